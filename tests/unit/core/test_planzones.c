/* SPDX-License-Identifier: MIT */
#include "rh_test.h"

#include "core/planzones.h"

#include <math.h>
#include <string.h>

static rh_status parse(const char *json, rh_planzones *z, rh_err *err)
{
    rh_err_init(err);
    return rh_planzones_parse(json, strlen(json), "plan.json", z, err);
}

static void active_aerobic_components_give_zones(void **state)
{
    (void)state;
    const char *plan =
        "{\"hr_max_bpm\": 171.2, \"hr_rest_bpm\": null, \"patient\": {\"sex\": \"female\", "
        "\"age_y\": 58},\"components\": ["
        "{\"modality\": \"resistance\", \"status\": \"active\", \"intensity\": {}},"
        "{\"modality\": \"aerobic\", \"status\": \"active\", \"intensity\": {\"hr_bpm\": [103, "
        "120], \"basis\": \"hrmax\", \"pct\": [60, 70], \"rpe\": [11, 13]}},"
        "{\"modality\": \"aerobic\", \"status\": \"after_clearance\", \"intensity\": "
        "{\"hr_bpm\": [120, 137]}}]}";
    rh_planzones z;
    rh_err err;
    assert_int_equal(parse(plan, &z, &err), RH_OK);
    assert_int_equal(z.nzones, 1);
    assert_int_equal(z.zones[0].component, 1);
    assert_true(z.zones[0].lo_bpm == 103 && z.zones[0].hi_bpm == 120);
    assert_true(z.zones[0].pct_lo == 60 && z.zones[0].rpe_hi == 13);
    assert_true(z.hr_max_bpm == 171.2 && isnan(z.hr_rest_bpm));
    assert_string_equal(z.sex, "female");
}

static void plans_without_an_active_zone_are_refused_with_the_reason(void **state)
{
    (void)state;
    rh_planzones z;
    rh_err err;
    assert_int_equal(parse("{\"components\": [{\"modality\": \"aerobic\", \"status\": "
                           "\"after_clearance\", \"intensity\": {\"hr_bpm\": [100, 120]}}]}",
                           &z, &err),
                     RH_E_INVALID);
    assert_non_null(strstr(err.msg, "1 after clearance"));
    assert_int_equal(parse("{\"components\": 3}", &z, &err), RH_E_INVALID);
    assert_int_equal(parse("[1,2]", &z, &err), RH_E_INVALID);
    assert_int_equal(parse("{\"components\": [{\"modality\": \"aerobic\", \"status\": "
                           "\"active\", \"intensity\": {\"hr_bpm\": [130, 120]}}]}",
                           &z, &err),
                     RH_E_RANGE);
    assert_int_equal(parse("{nope", &z, &err), RH_E_PARSE);
    assert_int_equal(err.line, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(active_aerobic_components_give_zones),
        cmocka_unit_test(plans_without_an_active_zone_are_refused_with_the_reason),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
