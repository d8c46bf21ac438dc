/* SPDX-License-Identifier: MIT
 *
 * Tests of core/score on the shipped knowledge base: every band edge of
 * every instrument, missing-item rules, out-of-range and contradictory
 * answers (status, JSON path, message), band-set selection by locale, sex,
 * context and request, facts, accessors, display rounding, determinism and
 * allocation failures.
 */
#include "rh_test.h"

#include "base/alloc.h"
#include "base/jw.h"
#include "core/catalog.h"
#include "core/facts.h"
#include "core/jsonx.h"
#include "core/score.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static rh_catalog *cat;

static int setup(void **state)
{
    (void)state;
    rh_err err;
    rh_err_init(&err);
    if (rh_catalog_load_dir("data", &cat, &err) != RH_OK) {
        fprintf(stderr, "cannot load data/: %s\n", err.msg);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    rh_catalog_destroy(cat);
    return 0;
}

static rh_score_opts opts_of(const char *locale, const char *sex, double age, double height,
                             double weight)
{
    rh_score_opts o;
    rh_score_opts_init(&o);
    if (locale)
        o.locale = locale;
    o.sex = sex;
    o.age_y = age;
    o.height_cm = height;
    o.weight_kg = weight;
    return o;
}

static rh_status run(const char *id, const char *json, const rh_score_opts *o,
                     rh_score_result **out, rh_err *err)
{
    rh_json *j = NULL;
    rh_err_init(err);
    *out = NULL;
    rh_status rc = rh_json_parse(json, strlen(json), "test", &j, err);
    if (rc != RH_OK)
        return rc;
    rh_jx jx;
    rh_jx_init(&jx, "test", err);
    size_t m = rh_jx_push_key(&jx, "assessments");
    rh_jx_push_key(&jx, id);
    rc = rh_score_run(cat, id, j, &jx, o, out);
    rh_jx_pop(&jx, m);
    assert_string_equal(jx.path, "$"); /* the path is restored */
    rh_json_free(j);
    return rc;
}

static rh_score_result *ok(const char *id, const char *json, const rh_score_opts *o)
{
    rh_score_result *r = NULL;
    rh_err err;
    if (run(id, json, o, &r, &err) != RH_OK)
        fail_msg("%s %s: %s at %s: %s", id, json, rh_status_name(err.code), err.field, err.msg);
    return r;
}

static void err_is(const char *id, const char *json, const rh_score_opts *o, rh_status code,
                   const char *field, const char *msg_part)
{
    rh_score_result *r = NULL;
    rh_err err;
    rh_status rc = run(id, json, o, &r, &err);
    if (rc != code || (field && strcmp(err.field, field) != 0) || !strstr(err.msg, msg_part))
        fail_msg("%s %s: got %s at '%s': '%s'; wanted %s at '%s' containing '%s'", id, json,
                 rh_status_name(rc), err.field, err.msg, rh_status_name(code), field ? field : "",
                 msg_part);
    assert_null(r);
}

/* Band code in the named band set, "-" when the set is not applicable, NULL
 * when it applies but gives no band. */
static const char *set_band(json_t *j, const char *set_id)
{
    json_t *sets = json_object_get(j, "band_sets");
    size_t i;
    json_t *s;
    json_array_foreach(sets, i, s)
    {
        if (strcmp(json_string_value(json_object_get(s, "id")), set_id) != 0)
            continue;
        json_t *b = json_object_get(s, "band");
        return json_is_object(b) ? json_string_value(json_object_get(b, "code")) : NULL;
    }
    return "-";
}

static bool list_has(json_t *j, const char *key, const char *value)
{
    json_t *arr = json_object_get(j, key);
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) if (strcmp(json_string_value(v), value) == 0) return true;
    return false;
}

/* {"items": [...]} with n answers of at most `max` each adding up to `total`. */
static char *fill(size_t n, int max, int total)
{
    static char buf[1024];
    size_t used = (size_t)snprintf(buf, sizeof(buf), "{\"items\": [");
    for (size_t i = 0; i < n; i++) {
        int v = total > max ? max : total;
        total -= v;
        used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%d", i ? ", " : "", v);
    }
    snprintf(buf + used, sizeof(buf) - used, "]}");
    assert_int_equal(total, 0);
    return buf;
}

static void expect_total_band(const char *id, const char *json, const rh_score_opts *o,
                              double total, const char *band)
{
    rh_score_result *r = ok(id, json, o);
    assert_true(rh_score_result_scorable(r));
    if (rh_score_result_total(r) != total)
        fail_msg("%s %s: total %.17g, wanted %.17g", id, json, rh_score_result_total(r), total);
    const char *got = rh_score_result_band_code(r);
    if ((band == NULL) != (got == NULL) || (band && strcmp(band, got) != 0))
        fail_msg("%s %s (total %g): band %s, wanted %s", id, json, total, got ? got : "(none)",
                 band ? band : "(none)");
    rh_score_result_destroy(r);
}

static void expect_set_band(const char *id, const char *json, const rh_score_opts *o,
                            const char *set_id, const char *band)
{
    rh_score_result *r = ok(id, json, o);
    json_t *j = rh_test_score_json(r, cat);
    const char *got = set_band(j, set_id);
    if ((band == NULL) != (got == NULL) || (band && strcmp(band, got) != 0))
        fail_msg("%s %s: band set %s gave %s, wanted %s", id, json, set_id, got ? got : "(none)",
                 band ? band : "(none)");
    json_decref(j);
    rh_score_result_destroy(r);
}

static void expect_score(const char *id, const char *json, const rh_score_opts *o,
                         const char *score, double want, double tol)
{
    rh_score_result *r = ok(id, json, o);
    double v = rh_score_result_value(r, score);
    if (isnan(want) ? !isnan(v) : !(fabs(v - want) <= tol))
        fail_msg("%s %s: %s = %.17g, wanted %.17g", id, json, score, v, want);
    rh_score_result_destroy(r);
}

/* ---- band edges ---- */

typedef struct edge {
    int total;
    const char *band;
} edge;

static void edges_of(const char *id, size_t n, int max, const edge *e, size_t ne)
{
    for (size_t i = 0; i < ne; i++)
        expect_total_band(id, fill(n, max, e[i].total), NULL, e[i].total, e[i].band);
}

static void phq9_gad7_isi_bbs_band_edges(void **state)
{
    (void)state;
    static const edge phq9[] = {{0, "minimal"},
                                {4, "minimal"},
                                {5, "mild"},
                                {9, "mild"},
                                {10, "moderate"},
                                {14, "moderate"},
                                {15, "moderately_severe"},
                                {19, "moderately_severe"},
                                {20, "severe"},
                                {27, "severe"}};
    edges_of("phq9", 9, 3, phq9, sizeof(phq9) / sizeof(*phq9));
    expect_set_band("phq9", fill(9, 3, 9), NULL, "screen_ge10", "negative");
    expect_set_band("phq9", fill(9, 3, 10), NULL, "screen_ge10", "positive");
    static const edge two[] = {{0, "negative"}, {2, "negative"}, {3, "positive"}, {6, "positive"}};
    edges_of("phq2", 2, 3, two, 4);
    edges_of("gad2", 2, 3, two, 4);
    static const edge gad7[] = {{0, "minimal"},   {4, "minimal"},   {5, "mild"},    {9, "mild"},
                                {10, "moderate"}, {14, "moderate"}, {15, "severe"}, {21, "severe"}};
    edges_of("gad7", 7, 3, gad7, sizeof(gad7) / sizeof(*gad7));
    expect_set_band("gad7", fill(7, 3, 7), NULL, "screen_ge8", "negative");
    expect_set_band("gad7", fill(7, 3, 8), NULL, "screen_ge8", "positive");
    expect_set_band("gad7", fill(7, 3, 10), NULL, "screen_ge10", "positive");
    static const edge isi[] = {{0, "none"},          {7, "none"},      {8, "subthreshold"},
                               {14, "subthreshold"}, {15, "moderate"}, {21, "moderate"},
                               {22, "severe"},       {28, "severe"}};
    edges_of("isi", 7, 4, isi, sizeof(isi) / sizeof(*isi));
    static const edge bbs[] = {{0, "increased"},      {46, "increased"},     {47, "indeterminate"},
                               {50, "indeterminate"}, {51, "not_increased"}, {56, "not_increased"}};
    edges_of("bbs", 14, 4, bbs, sizeof(bbs) / sizeof(*bbs));
    expect_set_band("bbs", fill(14, 4, 44), NULL, "berg_45", "increased");
    expect_set_band("bbs", fill(14, 4, 45), NULL, "berg_45", "not_increased");
    expect_set_band("bbs", fill(14, 4, 20), NULL, "mobility_level", "wheelchair");
    expect_set_band("bbs", fill(14, 4, 21), NULL, "mobility_level", "walks_with_assistance");
    expect_set_band("bbs", fill(14, 4, 40), NULL, "mobility_level", "walks_with_assistance");
    expect_set_band("bbs", fill(14, 4, 41), NULL, "mobility_level", "independent");
    expect_score("bbs", fill(14, 4, 50), NULL, "fall_risk", 1, 0);
    expect_score("bbs", fill(14, 4, 51), NULL, "fall_risk", 0, 0);
}

/* DAST-10 with `points`: item 3 answered no (1 point) when points > 0. */
static char *dast(int points)
{
    static char buf[256];
    size_t used = (size_t)snprintf(buf, sizeof(buf), "{\"items\": [");
    int left = points > 0 ? points - 1 : 0;
    for (int i = 1; i <= 10; i++) {
        bool yes;
        if (i == 3) {
            yes = points == 0;
        } else {
            yes = left > 0;
            left -= yes;
        }
        used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%s", i > 1 ? ", " : "",
                                 yes ? "true" : "false");
    }
    snprintf(buf + used, sizeof(buf) - used, "]}");
    return buf;
}

static void dast_audit_sds_band_edges(void **state)
{
    (void)state;
    static const edge d[] = {{0, "none"},        {1, "low"},      {2, "low"},
                             {3, "moderate"},    {5, "moderate"}, {6, "substantial"},
                             {8, "substantial"}, {9, "severe"},   {10, "severe"}};
    for (size_t i = 0; i < sizeof(d) / sizeof(*d); i++)
        expect_total_band("dast10", dast(d[i].total), NULL, d[i].total, d[i].band);
    /* AUDIT: items 1-8 carry up to 32, items 9-10 add 0/2/4 each. */
    static const struct {
        const char *json;
        int total;
        const char *band;
    } audit[] = {
        {"{\"items\": [4,3,0,0,0,0,0,0,0,0]}", 7, "zone_i"},
        {"{\"items\": [4,4,0,0,0,0,0,0,0,0]}", 8, "zone_ii"},
        {"{\"items\": [4,4,4,3,0,0,0,0,0,0]}", 15, "zone_ii"},
        {"{\"items\": [4,4,4,4,0,0,0,0,0,0]}", 16, "zone_iii"},
        {"{\"items\": [4,4,4,3,0,0,0,0,\"yes_not_in_last_year\",2]}", 19, "zone_iii"},
        {"{\"items\": [4,4,4,4,0,0,0,0,4,0]}", 20, "zone_iv"},
        {"{\"items\": [4,4,4,4,4,4,4,4,4,\"yes_during_last_year\"]}", 40, "zone_iv"},
        {"{\"items\": [\"monthly_or_less\",0,0,0,0,0,0,0,0,0]}", 1, "zone_i"},
    };
    for (size_t i = 0; i < sizeof(audit) / sizeof(*audit); i++)
        expect_total_band("audit", audit[i].json, NULL, audit[i].total, audit[i].band);
    rh_score_opts men = opts_of(NULL, "male", NAN, NAN, NAN);
    rh_score_opts women = opts_of(NULL, "female", NAN, NAN, NAN);
    expect_total_band("audit-c", fill(3, 4, 3), &men, 3, "negative");
    expect_total_band("audit-c", fill(3, 4, 4), &men, 4, "positive");
    expect_total_band("audit-c", fill(3, 4, 2), &women, 2, "negative");
    expect_total_band("audit-c", fill(3, 4, 3), &women, 3, "positive");
    expect_set_band("audit", "{\"items\": [2,1,1,0,0,0,0,0,0,0]}", &women, "audit_c_women",
                    "positive");
    expect_set_band("audit", "{\"items\": [2,1,0,0,0,0,0,0,0,0]}", &men, "audit_c_men", "negative");
    /* SDS (Gossop): amphetamine cut-off is a policy, default 5 or more. */
    expect_total_band("sds-dependence",
                      "{\"substance\": \"methamphetamine\", \"items\": [1,1,1,1,0]}", NULL, 4,
                      "negative");
    expect_total_band("sds-dependence",
                      "{\"substance\": \"methamphetamine\", \"items\": [2,1,1,1,0]}", NULL, 5,
                      "positive");
    expect_total_band("sds-dependence",
                      "{\"substance\": \"ats\", \"band_set\": \"ge4_secondary\", \"items\": "
                      "[1,1,1,1,0]}",
                      NULL, 4, "positive");
    expect_total_band("sds-dependence",
                      "{\"substance\": \"ats\", \"band_set\": \"ge4_secondary\", \"items\": "
                      "[1,1,1,0,0]}",
                      NULL, 3, "negative");
}

/* Zung answers (1-4) whose raw score is `raw`, honouring reverse keying. */
static char *zung(const int *reverse, size_t nrev, int raw)
{
    static char buf[512];
    size_t used = (size_t)snprintf(buf, sizeof(buf), "{\"items\": [");
    int extra = raw - 20; /* each item scores at least 1 */
    for (int i = 1; i <= 20; i++) {
        int s = 1 + (extra > 3 ? 3 : extra);
        extra -= s - 1;
        bool rev = false;
        for (size_t k = 0; k < nrev; k++)
            rev |= reverse[k] == i;
        used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%d", i > 1 ? ", " : "",
                                 rev ? 5 - s : s);
    }
    snprintf(buf + used, sizeof(buf) - used, "]}");
    return buf;
}

static void zung_scales_use_the_index_with_reverse_keying(void **state)
{
    (void)state;
    static const int sds_rev[] = {2, 5, 6, 11, 12, 14, 16, 17, 18, 20};
    static const int sas_rev[] = {5, 9, 13, 17, 19};
    rh_score_opts zh = opts_of("zh", NULL, NAN, NAN, NAN);
    expect_total_band("zung-sds", zung(sds_rev, 10, 39), NULL, 48.75, "below_cutoff");
    expect_total_band("zung-sds", zung(sds_rev, 10, 40), NULL, 50, "at_or_above_cutoff");
    expect_score("zung-sds", zung(sds_rev, 10, 40), NULL, "raw", 40, 0);
    expect_total_band("zung-sds", zung(sds_rev, 10, 42), &zh, 52.5, "normal");
    expect_total_band("zung-sds", zung(sds_rev, 10, 43), &zh, 53.75, "mild");
    expect_total_band("zung-sds", zung(sds_rev, 10, 50), &zh, 62.5, "mild");
    expect_total_band("zung-sds", zung(sds_rev, 10, 51), &zh, 63.75, "moderate");
    expect_total_band("zung-sds", zung(sds_rev, 10, 58), &zh, 72.5, "moderate");
    expect_total_band("zung-sds", zung(sds_rev, 10, 59), &zh, 73.75, "severe");
    expect_set_band("zung-sds", zung(sds_rev, 10, 41), NULL, "raw42_chinese_research",
                    "below_cutoff");
    expect_set_band("zung-sds", zung(sds_rev, 10, 42), NULL, "raw42_chinese_research",
                    "at_or_above_cutoff");
    expect_total_band("zung-sas", zung(sas_rev, 5, 35), NULL, 43.75, "below_cutoff");
    expect_total_band("zung-sas", zung(sas_rev, 5, 36), NULL, 45, "at_or_above_cutoff");
    expect_total_band("zung-sas", zung(sas_rev, 5, 39), &zh, 48.75, "normal");
    expect_total_band("zung-sas", zung(sas_rev, 5, 40), &zh, 50, "mild");
    expect_total_band("zung-sas", zung(sas_rev, 5, 47), &zh, 58.75, "mild");
    expect_total_band("zung-sas", zung(sas_rev, 5, 48), &zh, 60, "moderate");
    expect_total_band("zung-sas", zung(sas_rev, 5, 55), &zh, 68.75, "moderate");
    expect_total_band("zung-sas", zung(sas_rev, 5, 56), &zh, 70, "severe");
    /* Reverse keying: all 1s give 10 reversed items x 4 + 10 x 1 = 50 on the SDS. */
    expect_score("zung-sds", fill(20, 1, 20), NULL, "raw", 50, 0);
    expect_score("zung-sas", fill(20, 1, 20), NULL, "raw", 35, 0);
    /* The unverified keying is declared in the result. */
    rh_score_result *r = ok("zung-sds", zung(sds_rev, 10, 40), NULL);
    json_t *j = rh_test_score_json(r, cat);
    bool found = false;
    size_t i;
    json_t *u;
    json_array_foreach(json_object_get(j, "unverified"), i, u) found |=
        strcmp(json_string_value(json_object_get(u, "id")), "reverse_keying") == 0;
    assert_true(found);
    json_decref(j);
    rh_score_result_destroy(r);
}

static void pain_instruments_band_edges(void **state)
{
    (void)state;
    static const struct {
        int v;
        const char *bpi, *alt;
    } nrs[] = {{0, "none", "none"},     {1, "mild", "mild"},         {3, "mild", "mild"},
               {4, "mild", "moderate"}, {5, "moderate", "moderate"}, {6, "moderate", "moderate"},
               {7, "severe", "severe"}, {10, "severe", "severe"}};
    for (size_t i = 0; i < sizeof(nrs) / sizeof(*nrs); i++) {
        char json[64];
        snprintf(json, sizeof(json), "{\"value\": %d}", nrs[i].v);
        expect_total_band("pain-nrs", json, NULL, nrs[i].v, nrs[i].bpi);
        expect_set_band("pain-nrs", json, NULL, "alt_1_3", nrs[i].alt);
    }
    expect_total_band("pain-nrs", "{\"value\": 4, \"band_set\": \"alt_1_3\"}", NULL, 4, "moderate");
    /* DN4 and LANSS cut-offs. */
    const char *dn4_3 = "{\"burning\": true, \"painful_cold\": true, \"electric_shocks\": false, "
                        "\"tingling\": false, \"pins_and_needles\": false, \"numbness\": false, "
                        "\"itching\": false, \"hypoaesthesia_touch\": false, "
                        "\"hypoaesthesia_pinprick\": false, \"brushing\": true}";
    const char *dn4_4 = "{\"burning\": true, \"painful_cold\": true, \"electric_shocks\": true, "
                        "\"tingling\": false, \"pins_and_needles\": false, \"numbness\": false, "
                        "\"itching\": false, \"hypoaesthesia_touch\": false, "
                        "\"hypoaesthesia_pinprick\": false, \"brushing\": true}";
    expect_total_band("dn4", dn4_3, NULL, 3, "negative");
    expect_total_band("dn4", dn4_4, NULL, 4, "positive");
    expect_set_band("dn4", dn4_3, NULL, "interview_ge3", "negative");
    expect_set_band("dn4", dn4_4, NULL, "interview_ge3", "positive");
    expect_total_band("lanss",
                      "{\"dysaesthesia\": true, \"autonomic\": true, \"evoked\": false, "
                      "\"paroxysmal\": false, \"thermal\": true, \"allodynia\": false, "
                      "\"pinprick\": false}",
                      NULL, 11, "negative");
    expect_total_band("lanss",
                      "{\"dysaesthesia\": true, \"autonomic\": true, \"evoked\": false, "
                      "\"paroxysmal\": true, \"thermal\": false, \"allodynia\": false, "
                      "\"pinprick\": false}",
                      NULL, 12, "positive");
    /* BPI: worst-pain band on the item, both sets. */
    const char *bpi = "{\"worst\": 4, \"least\": 1, \"average\": 2, \"now\": 1}";
    expect_set_band("bpi-sf", bpi, NULL, "bpi_mdanderson", "mild");
    expect_set_band("bpi-sf", bpi, NULL, "alt_1_3", "moderate");
}

static void tug_barthel_mrs_band_edges(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        double v;
        const char *stroke, *community, *ewgsop2;
        int fall;
    } tug[] = {{"13.4", 13.4, "not_increased", "not_increased", "normal", 0},
               {"13.5", 13.5, "not_increased", "increased", "normal", 0},
               {"14.99", 14.99, "not_increased", "increased", "normal", 0},
               {"15", 15, "indeterminate", "increased", "normal", 1},
               {"18.99", 18.99, "indeterminate", "increased", "normal", 1},
               {"19", 19, "increased", "increased", "normal", 1},
               {"19.99", 19.99, "increased", "increased", "normal", 1},
               {"20", 20, "increased", "increased", "low_performance", 1}};
    for (size_t i = 0; i < sizeof(tug) / sizeof(*tug); i++) {
        char json[64];
        snprintf(json, sizeof(json), "{\"seconds\": %s}", tug[i].s);
        expect_total_band("tug", json, NULL, tug[i].v, tug[i].stroke);
        expect_set_band("tug", json, NULL, "community_13_5", tug[i].community);
        expect_set_band("tug", json, NULL, "ewgsop2", tug[i].ewgsop2);
        expect_score("tug", json, NULL, "fall_risk", tug[i].fall, 0);
    }
    static const struct {
        const char *json;
        int total;
        const char *band;
    } bi[] = {
        {"{\"feeding\":10,\"bathing\":0,\"grooming\":0,\"dressing\":0,\"bowels\":10,\"bladder\":0,"
         "\"toilet_use\":0,\"transfers\":0,\"mobility\":0,\"stairs\":0}",
         20, "total_dependency"},
        {"{\"feeding\":10,\"bathing\":5,\"grooming\":0,\"dressing\":0,\"bowels\":10,\"bladder\":0,"
         "\"toilet_use\":0,\"transfers\":0,\"mobility\":0,\"stairs\":0}",
         25, "severe"},
        {"{\"feeding\":10,\"bathing\":0,\"grooming\":0,\"dressing\":10,\"bowels\":10,\"bladder\":"
         "10,"
         "\"toilet_use\":10,\"transfers\":10,\"mobility\":0,\"stairs\":0}",
         60, "severe"},
        {"{\"feeding\":10,\"bathing\":5,\"grooming\":0,\"dressing\":10,\"bowels\":10,\"bladder\":"
         "10,"
         "\"toilet_use\":10,\"transfers\":10,\"mobility\":0,\"stairs\":0}",
         65, "moderate"},
        {"{\"feeding\":10,\"bathing\":5,\"grooming\":5,\"dressing\":10,\"bowels\":10,\"bladder\":"
         "10,"
         "\"toilet_use\":10,\"transfers\":15,\"mobility\":15,\"stairs\":0}",
         90, "moderate"},
        {"{\"feeding\":10,\"bathing\":5,\"grooming\":5,\"dressing\":10,\"bowels\":10,\"bladder\":"
         "10,"
         "\"toilet_use\":10,\"transfers\":15,\"mobility\":15,\"stairs\":\"needs_help\"}",
         95, "slight"},
        {"{\"feeding\":\"independent\",\"bathing\":5,\"grooming\":5,\"dressing\":10,\"bowels\":10,"
         "\"bladder\":10,\"toilet_use\":10,\"transfers\":15,\"mobility\":15,\"stairs\":10}",
         100, "independent"},
    };
    for (size_t i = 0; i < sizeof(bi) / sizeof(*bi); i++)
        expect_total_band("barthel", bi[i].json, NULL, bi[i].total, bi[i].band);
    static const char *const mrs[] = {"no_symptoms",
                                      "no_significant_disability",
                                      "slight_disability",
                                      "moderate_disability",
                                      "moderately_severe_disability",
                                      "severe_disability",
                                      "dead"};
    for (int g = 0; g <= 6; g++) {
        char json[64];
        snprintf(json, sizeof(json), "{\"grade\": %d}", g);
        expect_total_band("mrs", json, NULL, g, mrs[g]);
    }
    expect_total_band("mrs", "{\"grade\": \"slight_disability\"}", NULL, 2, "slight_disability");
}

/* DASS-21 answers with raw subscale sums d, a, s (before doubling). */
static char *dass(int d, int a, int s)
{
    static const char sub[] = "SADADSASADSSDSADDSAAD"; /* items 1..21 */
    static char buf[256];
    int left[3] = {d, a, s};
    size_t used = (size_t)snprintf(buf, sizeof(buf), "{\"items\": [");
    for (int i = 0; i < 21; i++) {
        int k = sub[i] == 'D' ? 0 : (sub[i] == 'A' ? 1 : 2);
        int v = left[k] > 3 ? 3 : left[k];
        left[k] -= v;
        used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%d", i ? ", " : "", v);
    }
    snprintf(buf + used, sizeof(buf) - used, "]}");
    assert_true(left[0] == 0 && left[1] == 0 && left[2] == 0);
    return buf;
}

static void dass21_subscales_are_doubled_and_banded(void **state)
{
    (void)state;
    static const struct {
        int raw;
        const char *d, *a, *s;
    } e[] = {{3, "normal", "normal", "normal"},
             {4, "normal", "mild", "normal"},
             {5, "mild", "moderate", "normal"},
             {7, "moderate", "moderate", "normal"},
             {8, "moderate", "severe", "mild"},
             {9, "moderate", "severe", "mild"},
             {10, "moderate", "extremely_severe", "moderate"},
             {11, "severe", "extremely_severe", "moderate"},
             {13, "severe", "extremely_severe", "severe"},
             {14, "extremely_severe", "extremely_severe", "severe"},
             {16, "extremely_severe", "extremely_severe", "severe"},
             {17, "extremely_severe", "extremely_severe", "extremely_severe"}};
    for (size_t i = 0; i < sizeof(e) / sizeof(*e); i++) {
        const char *json = dass(e[i].raw, e[i].raw, e[i].raw);
        rh_score_result *r = ok("dass21", json, NULL);
        assert_true(rh_score_result_scorable(r));
        assert_true(isnan(rh_score_result_total(r))); /* no total */
        assert_true(rh_score_result_value(r, "depression") == 2 * e[i].raw);
        if (strcmp(rh_score_result_value_band_code(r, "depression"), e[i].d) != 0 ||
            strcmp(rh_score_result_value_band_code(r, "anxiety"), e[i].a) != 0 ||
            strcmp(rh_score_result_value_band_code(r, "stress"), e[i].s) != 0)
            fail_msg("raw %d x2: %s/%s/%s, wanted %s/%s/%s", e[i].raw,
                     rh_score_result_value_band_code(r, "depression"),
                     rh_score_result_value_band_code(r, "anxiety"),
                     rh_score_result_value_band_code(r, "stress"), e[i].d, e[i].a, e[i].s);
        rh_score_result_destroy(r);
    }
    /* The subscale mapping (a known bug in public code): only stress items set. */
    rh_score_result *r = ok("dass21", dass(0, 0, 21), NULL);
    assert_true(rh_score_result_value(r, "stress") == 42);
    assert_true(rh_score_result_value(r, "depression") == 0);
    assert_true(rh_score_result_value(r, "anxiety") == 0);
    rh_score_result_destroy(r);
}

/* PSQI answers from the parts that decide each component. */
static char *psqi(const char *bed, double latency, const char *wake, double sleep, int q5a,
                  int q5rest, int q6, int q7, int q8, int q9)
{
    static char buf[512];
    int rest[9] = {0};
    for (int i = 0; i < 9 && q5rest > 0; i++) {
        rest[i] = q5rest > 3 ? 3 : q5rest;
        q5rest -= rest[i];
    }
    snprintf(buf, sizeof(buf),
             "{\"bed_time\": \"%s\", \"latency_min\": %g, \"wake_time\": \"%s\", \"sleep_hours\": "
             "%.10g, \"q5a\": %d, \"q5b\": %d, \"q5c\": %d, \"q5d\": %d, \"q5e\": %d, \"q5f\": %d, "
             "\"q5g\": %d, \"q5h\": %d, \"q5i\": %d, \"q5j\": %d, \"q6\": %d, \"q7\": %d, \"q8\": "
             "%d, \"q9\": %d}",
             bed, latency, wake, sleep, q5a, rest[0], rest[1], rest[2], rest[3], rest[4], rest[5],
             rest[6], rest[7], rest[8], q6, q7, q8, q9);
    return buf;
}

static void psqi_components_and_cutoffs(void **state)
{
    (void)state;
    /* C2: latency points (<=15, 16-30, 31-60, >60) + Q5a, then 0 / 1-2 / 3-4 / 5-6. */
    static const struct {
        double latency;
        int q5a, c2;
    } c2[] = {{15, 0, 0}, {15.5, 0, 1}, {30, 0, 1}, {31, 0, 1}, {60, 0, 1},
              {61, 0, 2}, {30, 2, 2},   {61, 3, 3}, {0, 2, 1},  {45, 2, 2}};
    for (size_t i = 0; i < sizeof(c2) / sizeof(*c2); i++)
        expect_score("psqi", psqi("22:00", c2[i].latency, "06:00", 7.5, c2[i].q5a, 0, 0, 0, 0, 0),
                     NULL, "c2", c2[i].c2, 0);
    /* C3: >7 -> 0, 6-7 -> 1, 5-<6 -> 2, <5 -> 3 (bed 22:00-08:00 keeps C4 at 0 or known). */
    static const struct {
        double h;
        int c3;
    } c3[] = {{7.01, 0}, {7, 1}, {6, 1}, {5.99, 2}, {5, 2}, {4.99, 3}, {0, 3}};
    for (size_t i = 0; i < sizeof(c3) / sizeof(*c3); i++)
        expect_score("psqi", psqi("22:00", 10, "08:00", c3[i].h, 0, 0, 0, 0, 0, 0), NULL, "c3",
                     c3[i].c3, 0);
    /* C4: efficiency >= 85 -> 0, 75-<85 -> 1, 65-<75 -> 2, <65 -> 3, unrounded. 8 h in bed. */
    static const struct {
        double h;
        int c4;
    } c4[] = {{6.8, 0}, {6.79, 1}, {6, 1}, {5.99, 2}, {5.2, 2}, {5.19, 3}, {8, 0}};
    for (size_t i = 0; i < sizeof(c4) / sizeof(*c4); i++)
        expect_score("psqi", psqi("22:00", 10, "06:00", c4[i].h, 0, 0, 0, 0, 0, 0), NULL, "c4",
                     c4[i].c4, 0);
    /* 5.85 h of 9 h is 65 % exactly; binary arithmetic gives 64.99999999999999. */
    expect_score("psqi", psqi("22:00", 10, "07:00", 5.85, 0, 0, 0, 0, 0, 0), NULL, "c4", 2, 0);
    /* 5.1 h of 6 h is 85 % exactly. */
    expect_score("psqi", psqi("00:00", 10, "06:00", 5.1, 0, 0, 0, 0, 0, 0), NULL, "c4", 0, 0);
    expect_score("psqi", psqi("00:00", 10, "06:00", 5.1, 0, 0, 0, 0, 0, 0), NULL, "efficiency_pct",
                 85, 0);
    /* C5: Q5b-Q5j sum 0 / 1-9 / 10-18 / 19-27. */
    static const int c5[][2] = {{0, 0}, {1, 1}, {9, 1}, {10, 2}, {18, 2}, {19, 3}, {27, 3}};
    for (size_t i = 0; i < sizeof(c5) / sizeof(*c5); i++)
        expect_score("psqi", psqi("22:00", 10, "06:00", 7.5, 0, c5[i][0], 0, 0, 0, 0), NULL, "c5",
                     c5[i][1], 0);
    /* C7: Q8 + Q9 0 / 1-2 / 3-4 / 5-6. */
    static const int c7[][3] = {{0, 0, 0}, {1, 0, 1}, {1, 1, 1}, {2, 1, 2}, {2, 2, 2}, {3, 2, 3}};
    for (size_t i = 0; i < sizeof(c7) / sizeof(*c7); i++)
        expect_score("psqi", psqi("22:00", 10, "06:00", 7.5, 0, 0, 0, 0, c7[i][0], c7[i][1]), NULL,
                     "c7", c7[i][2], 0);
    /* Global cut-offs: original > 5, Chinese > 7 (chosen by locale, both reported). */
    rh_score_opts zh = opts_of("zh", NULL, NAN, NAN, NAN);
    char *g5 = strdup(psqi("22:00", 10, "06:00", 7.5, 0, 0, 3, 2, 0, 0));
    char *g6 = strdup(psqi("22:00", 10, "06:00", 7.5, 0, 0, 3, 3, 0, 0));
    char *g7 = strdup(psqi("22:00", 10, "06:00", 7.5, 0, 0, 3, 3, 1, 0));
    char *g8 = strdup(psqi("22:00", 10, "06:00", 7.5, 0, 0, 3, 3, 3, 0));
    expect_total_band("psqi", g5, NULL, 5, "good_sleeper");
    expect_total_band("psqi", g6, NULL, 6, "poor_sleeper");
    expect_total_band("psqi", g7, &zh, 7, "good_sleeper");
    expect_set_band("psqi", g7, &zh, "buysse1989", "poor_sleeper");
    expect_total_band("psqi", g8, &zh, 8, "poor_sleeper");
    expect_set_band("psqi", g7, NULL, "liu1996_chinese", "good_sleeper");
    expect_total_band("psqi", g8, NULL, 8, "poor_sleeper");
    /* A request for the Chinese set wins over the locale. */
    char req[700];
    snprintf(req, sizeof(req), "{\"band_set\": \"liu1996_chinese\", %s", g7 + 1);
    expect_total_band("psqi", req, NULL, 7, "good_sleeper");
    free(g5);
    free(g6);
    free(g7);
    free(g8);
}

static void psqi_rejects_more_sleep_than_time_in_bed(void **state)
{
    (void)state;
    err_is("psqi", psqi("23:00", 10, "06:30", 8, 0, 0, 0, 0, 0, 0), NULL, RH_E_INVALID,
           "$.assessments.psqi.sleep_hours", "exceed the time in bed");
    /* Exactly the time in bed is fine (100 %). */
    expect_score("psqi", psqi("23:00", 10, "06:30", 7.5, 0, 0, 0, 0, 0, 0), NULL, "efficiency_pct",
                 100, 0);
    err_is("psqi", "{\"bed_time\": \"24:00\"}", NULL, RH_E_RANGE, "$.assessments.psqi.bed_time",
           "HH:MM");
    err_is("psqi", "{\"bed_time\": 2300}", NULL, RH_E_INVALID, "$.assessments.psqi.bed_time",
           "found a number");
}

static void ipaq_categories_and_data_processing(void **state)
{
    (void)state;
    static const struct {
        const char *json;
        double total;
        const char *band;
    } c[] = {
        /* high: vigorous 3+ days and 1500+ MET-min */
        {"{\"vigorous_days\": 3, \"vigorous_min_per_day\": 63, \"moderate_days\": 0, "
         "\"walking_days\": 0}",
         1512, "high"},
        {"{\"vigorous_days\": 3, \"vigorous_min_per_day\": 62, \"moderate_days\": 0, "
         "\"walking_days\": 0}",
         1488, "moderate"},
        /* high: 7 days of any combination and 3000+ */
        {"{\"vigorous_days\": 0, \"moderate_days\": 0, \"walking_days\": 7, "
         "\"walking_min_per_day\": 130}",
         3003, "high"},
        {"{\"vigorous_days\": 0, \"moderate_days\": 0, \"walking_days\": 7, "
         "\"walking_min_per_day\": 129}",
         2979.9, "moderate"},
        /* moderate: 5+ days of moderate/walking at 30+ min/day */
        {"{\"vigorous_days\": 0, \"moderate_days\": 0, \"walking_days\": 5, "
         "\"walking_min_per_day\": 30}",
         495, "moderate"},
        {"{\"vigorous_days\": 0, \"moderate_days\": 0, \"walking_days\": 5, "
         "\"walking_min_per_day\": 29}",
         478.5, "low"},
        /* moderate: 5+ days of any combination and 600+ */
        {"{\"vigorous_days\": 0, \"moderate_days\": 2, \"moderate_min_per_day\": 60, "
         "\"walking_days\": 3, \"walking_min_per_day\": 20}",
         678, "moderate"},
        {"{\"vigorous_days\": 0, \"moderate_days\": 2, \"moderate_min_per_day\": 50, "
         "\"walking_days\": 3, \"walking_min_per_day\": 20}",
         598, "low"},
        /* moderate: vigorous 3+ days at 20+ min */
        {"{\"vigorous_days\": 3, \"vigorous_min_per_day\": 20, \"moderate_days\": 0, "
         "\"walking_days\": 0}",
         480, "moderate"},
        {"{\"vigorous_days\": 3, \"vigorous_min_per_day\": 19, \"moderate_days\": 0, "
         "\"walking_days\": 0}",
         456, "low"},
        /* G1 */
        {"{\"vigorous_days\": 0, \"moderate_days\": 2, \"moderate_min_per_day\": 30, "
         "\"walking_days\": 5, \"walking_min_per_day\": 20}",
         570, "low"},
        /* truncation to 180 min/day */
        {"{\"vigorous_days\": 1, \"vigorous_min_per_day\": 200, \"moderate_days\": 0, "
         "\"walking_days\": 0}",
         1440, "low"},
        /* bouts under 10 min count 0 */
        {"{\"vigorous_days\": 0, \"moderate_days\": 0, \"walking_days\": 5, "
         "\"walking_min_per_day\": 9}",
         0, "low"},
    };
    for (size_t i = 0; i < sizeof(c) / sizeof(*c); i++)
        expect_total_band("ipaq-short", c[i].json, NULL, c[i].total, c[i].band);
    /* More than 960 min/day in total: excluded, not scorable, with the reason. */
    rh_score_result *r = ok("ipaq-short",
                            "{\"vigorous_days\": 1, \"vigorous_min_per_day\": 400, "
                            "\"moderate_days\": 1, \"moderate_min_per_day\": 300, "
                            "\"walking_days\": 1, \"walking_min_per_day\": 300}",
                            NULL);
    assert_false(rh_score_result_scorable(r));
    json_t *j = rh_test_score_json(r, cat);
    assert_string_equal(json_string_value(json_object_get(json_object_get(j, "exclusion"), "id")),
                        "over_960");
    assert_true(json_is_null(json_object_get(j, "total")));
    json_decref(j);
    rh_score_result_destroy(r);
    /* Missing minutes for a category with days: not scorable, named. */
    r = ok("ipaq-short", "{\"vigorous_days\": 0, \"moderate_days\": 3, \"walking_days\": 0}", NULL);
    assert_false(rh_score_result_scorable(r));
    j = rh_test_score_json(r, cat);
    assert_true(list_has(j, "missing_items", "moderate_min_per_day"));
    json_decref(j);
    rh_score_result_destroy(r);
    /* The unverified <10-min rule is declared only when it changed something. */
    r = ok("ipaq-short", c[12].json, NULL);
    j = rh_test_score_json(r, cat);
    size_t k;
    json_t *u;
    bool bout = false;
    json_array_foreach(json_object_get(j, "unverified"), k, u) bout |=
        strcmp(json_string_value(json_object_get(u, "id")), "w_min_bout") == 0;
    assert_true(bout);
    json_decref(j);
    rh_score_result_destroy(r);
    r = ok("ipaq-short", c[10].json, NULL);
    j = rh_test_score_json(r, cat);
    assert_int_equal(json_array_size(json_object_get(j, "unverified")), 0);
    json_decref(j);
    rh_score_result_destroy(r);
}

static void anthropometry_and_strength_cutoffs(void **state)
{
    (void)state;
    rh_score_opts zh = opts_of("zh", NULL, NAN, NAN, NAN);
    static const struct {
        const char *json;
        const char *who, *china;
    } bmi[] = {
        {"{\"weight_kg\": 73.99, \"height_cm\": 200}", "underweight", "not_overweight"},
        {"{\"weight_kg\": 74, \"height_cm\": 200}", "normal", "not_overweight"},
        {"{\"weight_kg\": 95.99, \"height_cm\": 200}", "normal", "not_overweight"},
        {"{\"weight_kg\": 96, \"height_cm\": 200}", "normal", "overweight"},
        {"{\"weight_kg\": 99.99, \"height_cm\": 200}", "normal", "overweight"},
        {"{\"weight_kg\": 100, \"height_cm\": 200}", "overweight", "overweight"},
        {"{\"weight_kg\": 72.25, \"height_cm\": 170}", "overweight", "overweight"},
        /* exact cut-offs that binary arithmetic misses (64 / 1.6^2 = 24.999999999999996) */
        {"{\"weight_kg\": 64, \"height_cm\": 160}", "overweight", "overweight"},
        {"{\"weight_kg\": 47.36, \"height_cm\": 160}", "normal", "not_overweight"},
        {"{\"weight_kg\": 62.41, \"height_cm\": 158}", "overweight", "overweight"},
        {"{\"weight_kg\": 57.66, \"height_cm\": 155}", "normal", "overweight"},
        {"{\"weight_kg\": 67.27, \"height_cm\": 155}", "overweight", "obese"},
        {"{\"weight_kg\": 112, \"height_cm\": 200}", "overweight", "obese"},
        {"{\"weight_kg\": 120, \"height_cm\": 200}", "obesity_i", "obese"},
        {"{\"weight_kg\": 140, \"height_cm\": 200}", "obesity_ii", "obese"},
        {"{\"weight_kg\": 160, \"height_cm\": 200}", "obesity_iii", "obese"},
    };
    for (size_t i = 0; i < sizeof(bmi) / sizeof(*bmi); i++) {
        rh_score_result *r = ok("bmi", bmi[i].json, NULL);
        assert_string_equal(rh_score_result_band_code(r), bmi[i].who);
        rh_score_result_destroy(r);
        r = ok("bmi", bmi[i].json, &zh);
        assert_string_equal(rh_score_result_band_code(r), bmi[i].china);
        rh_score_result_destroy(r);
    }
    /* Grip: sex-specific; EWGSOP2 by default, AWGS for zh. */
    static const struct {
        const char *sex, *locale, *kg, *band;
    } grip[] = {{"male", "en", "26.9", "low"},   {"male", "en", "27", "normal"},
                {"female", "en", "15.9", "low"}, {"female", "en", "16", "normal"},
                {"male", "zh", "27.9", "low"},   {"male", "zh", "28", "normal"},
                {"female", "zh", "17.9", "low"}, {"female", "zh", "18", "normal"}};
    for (size_t i = 0; i < sizeof(grip) / sizeof(*grip); i++) {
        rh_score_opts o = opts_of(grip[i].locale, grip[i].sex, NAN, NAN, NAN);
        char json[64];
        snprintf(json, sizeof(json), "{\"kg\": %s}", grip[i].kg);
        rh_score_result *r = ok("grip", json, &o);
        if (strcmp(rh_score_result_band_code(r), grip[i].band) != 0)
            fail_msg("grip %s %s %s: %s", grip[i].sex, grip[i].locale, grip[i].kg,
                     rh_score_result_band_code(r));
        rh_score_result_destroy(r);
    }
    rh_score_result *r = ok("grip", "{\"kg\": 20}", NULL);
    assert_null(rh_score_result_band_code(r)); /* no sex, no cut-off */
    json_t *j = rh_test_score_json(r, cat);
    assert_true(list_has(j, "missing_inputs", "patient.sex"));
    json_decref(j);
    rh_score_result_destroy(r);
    /* 30-s chair stand: Senior Fitness Test range by age group and sex. */
    static const struct {
        const char *sex;
        double age;
        int stands;
        const char *band;
    } cs[] = {
        {"female", 67, 10, "below"},  {"female", 67, 11, "within"}, {"female", 67, 16, "within"},
        {"female", 67, 17, "above"},  {"male", 90, 6, "below"},     {"male", 90, 7, "within"},
        {"male", 94.9, 12, "within"}, {"male", 90, 13, "above"},    {"male", 60, 13, "below"},
        {"male", 64, 19, "within"},   {"male", 65, 19, "above"}};
    for (size_t i = 0; i < sizeof(cs) / sizeof(*cs); i++) {
        rh_score_opts o = opts_of(NULL, cs[i].sex, cs[i].age, NAN, NAN);
        char json[64];
        snprintf(json, sizeof(json), "{\"stands\": %d}", cs[i].stands);
        rh_score_result *rr = ok("chair-stand-30s", json, &o);
        if (!rh_score_result_band_code(rr) || strcmp(rh_score_result_band_code(rr), cs[i].band))
            fail_msg("chair stand %s %g %d: %s", cs[i].sex, cs[i].age, cs[i].stands,
                     rh_score_result_band_code(rr));
        rh_score_result_destroy(rr);
    }
    rh_score_opts young = opts_of(NULL, "male", 59, NAN, NAN);
    r = ok("chair-stand-30s", "{\"stands\": 12}", &young);
    assert_null(rh_score_result_band_code(r));
    j = rh_test_score_json(r, cat);
    assert_non_null(strstr(json_string_value(json_array_get(json_object_get(j, "notes"), 0)),
                           "no norms for age 59"));
    json_decref(j);
    rh_score_result_destroy(r);
}

static void formulas_six_minute_walk_rockport_one_rm(void **state)
{
    (void)state;
    rh_score_opts p1 = opts_of(NULL, "male", 64, 170, 72);
    expect_score("6mwt", "{\"distance_m\": 380}", &p1, "predicted_m", 529.90, 1e-9);
    expect_score("6mwt", "{\"distance_m\": 380}", &p1, "pct_predicted", 380 / 529.9 * 100, 1e-6);
    expect_score("6mwt", "{\"distance_m\": 380}", &p1, "lln_m", 376.90, 1e-9);
    expect_score("6mwt", "{\"distance_m\": 380}", &p1, "below_lln", 0, 0);
    expect_score("6mwt", "{\"distance_m\": 376.8}", &p1, "below_lln", 1, 0);
    /* Women: 2.11 x 160 - 2.29 x 78 - 5.78 x 55 + 667 = 508.08; LLN 369.08. */
    rh_score_opts w = opts_of(NULL, "female", 55, 160, 78);
    expect_score("6mwt", "{\"distance_m\": 400}", &w, "predicted_m", 508.08, 1e-9);
    expect_score("6mwt", "{\"distance_m\": 369.08}", &w, "below_lln", 0, 0);
    expect_score("6mwt", "{\"distance_m\": 369.07}", &w, "below_lln", 1, 0);
    /* Without the patient the distance still scores; the rest is null and named. */
    rh_score_result *r = ok("6mwt", "{\"distance_m\": 380}", NULL);
    assert_true(rh_score_result_scorable(r));
    assert_true(isnan(rh_score_result_value(r, "pct_predicted")));
    json_t *j = rh_test_score_json(r, cat);
    assert_true(list_has(j, "missing_inputs", "patient.sex"));
    assert_true(list_has(j, "missing_inputs", "patient.height_cm"));
    json_decref(j);
    rh_score_result_destroy(r);
    /* Rockport (Kline 1987): G1 male 28 y, 68 kg, 15.5 min, HR 150 -> 42.703. */
    rh_score_opts g1 = opts_of(NULL, "male", 28, 175, 68);
    expect_score("rockport", "{\"time_min\": 15.5, \"hr_end_bpm\": 150}", &g1, "vo2max", 42.703,
                 0.0005);
    expect_score("rockport", "{\"time_min\": 15.5, \"hr_end_bpm\": 150}", &g1, "weight_lb", 149.914,
                 0.0005);
    rh_score_opts f = opts_of(NULL, "female", 28, 175, 68);
    expect_score("rockport", "{\"time_min\": 15.5, \"hr_end_bpm\": 150}", &f, "vo2max",
                 42.703 - 6.315, 0.0005);
    r = ok("rockport", "{\"time_min\": 15.5, \"hr_end_bpm\": 150, \"weight_kg\": 68}", NULL);
    assert_false(rh_score_result_scorable(r));
    j = rh_test_score_json(r, cat);
    assert_true(list_has(j, "missing_inputs", "patient.age_y"));
    assert_true(list_has(j, "missing_inputs", "patient.sex"));
    json_decref(j);
    rh_score_result_destroy(r);
    /* 1RM: 60 kg x 8 -> Epley 76.000, Brzycki 74.483, Lombardi 73.869; total the lowest. */
    const char *rm = "{\"load_kg\": 60, \"reps\": 8}";
    expect_score("1rm", rm, NULL, "epley", 76.0, 1e-9);
    expect_score("1rm", rm, NULL, "brzycki", 60.0 * 36 / 29, 1e-9);
    expect_score("1rm", rm, NULL, "lombardi", 60 * pow(8, 0.1), 1e-9);
    expect_score("1rm", rm, NULL, "estimate", 60 * pow(8, 0.1), 1e-9);
    expect_score("1rm", "{\"load_kg\": 60, \"reps\": 1}", NULL, "epley", 60, 0);
    expect_score("1rm", "{\"load_kg\": 60, \"reps\": 1}", NULL, "brzycki", 60, 0);
    expect_score("1rm", "{\"load_kg\": 60, \"reps\": 1}", NULL, "lombardi", 60, 0);
    expect_score("1rm", "{\"load_kg\": 50, \"reps\": 10}", NULL, "brzycki", 50.0 * 36 / 27, 1e-9);
    err_is("1rm", "{\"load_kg\": 60, \"reps\": 11}", NULL, RH_E_RANGE, "$.assessments.1rm.reps",
           "outside the accepted range 1-10");
}

static void assist_skip_logic_and_risk(void **state)
{
    (void)state;
    const char *g1 = "{\"substances\": {\"ats\": {\"q2\": \"monthly\", \"q3\": \"monthly\", "
                     "\"q4\": \"monthly\", \"q5\": \"monthly\", \"q6\": \"yes_past_3_months\", "
                     "\"q7\": \"yes_past_3_months\"}}}";
    rh_score_result *r = ok("assist", g1, NULL);
    assert_true(rh_score_result_scorable(r));
    rh_facts *f = NULL;
    assert_int_equal(rh_facts_create(&f), RH_OK);
    assert_int_equal(rh_score_result_export_facts(r, f), RH_OK);
    assert_true(rh_facts_num(f, "score.assist.ats") == 30);
    assert_string_equal(rh_facts_str(f, "score.assist.ats.band"), "high");
    rh_facts_destroy(f);
    json_t *j = rh_test_score_json(r, cat);
    json_t *sub = json_array_get(json_object_get(j, "substances"), 0);
    assert_true(json_is_true(json_object_get(sub, "ever_used_inferred")));
    json_decref(j);
    rh_score_result_destroy(r);
    /* Alcohol 10/11/26/27 and other substances 3/4 band edges. */
    static const struct {
        const char *subst, *q2, *q3, *q4, *q5, *q6, *q7;
        double score;
        const char *band;
    } e[] = {
        {"alcohol", "weekly", "weekly", "never", "never", "no", "no", 9, "low"},
        {"alcohol", "weekly", "daily_or_almost_daily", "never", "never", "no", "no", 10, "low"},
        {"alcohol", "weekly", "weekly", "once_or_twice", "never", "no", "no", 13, "moderate"},
        {"alcohol", "monthly", "once_or_twice", "never", "never", "yes_not_past_3_months",
         "yes_not_past_3_months", 12, "moderate"},
        {"alcohol", "daily_or_almost_daily", "daily_or_almost_daily", "daily_or_almost_daily",
         "never", "yes_not_past_3_months", "yes_not_past_3_months", 25, "moderate"},
        {"alcohol", "daily_or_almost_daily", "daily_or_almost_daily", "daily_or_almost_daily",
         "never", "yes_past_3_months", "yes_not_past_3_months", 28, "high"},
        {"cannabis", "never", NULL, NULL, NULL, "yes_not_past_3_months", "no", 3, "low"},
        {"cannabis", "never", NULL, NULL, NULL, "yes_not_past_3_months", "yes_not_past_3_months", 6,
         "moderate"},
        {"cocaine", "once_or_twice", "never", "never", "never", "no", "no", 2, "low"},
        {"opioids", "monthly", "never", "never", "never", "no", "no", 3, "low"},
        {"opioids", "weekly", "never", "never", "never", "no", "no", 4, "moderate"},
        {"ats", "daily_or_almost_daily", "daily_or_almost_daily", "daily_or_almost_daily",
         "daily_or_almost_daily", "yes_past_3_months", "yes_past_3_months", 39, "high"},
    };
    for (size_t i = 0; i < sizeof(e) / sizeof(*e); i++) {
        char json[600];
        int n =
            snprintf(json, sizeof(json), "{\"substances\": {\"%s\": {\"q1\": true, \"q2\": \"%s\"",
                     e[i].subst, e[i].q2);
        if (e[i].q3)
            n += snprintf(json + n, sizeof(json) - (size_t)n,
                          ", \"q3\": \"%s\", \"q4\": \"%s\", \"q5\": \"%s\"", e[i].q3, e[i].q4,
                          e[i].q5);
        snprintf(json + n, sizeof(json) - (size_t)n, ", \"q6\": \"%s\", \"q7\": \"%s\"}}}", e[i].q6,
                 e[i].q7);
        rh_score_result *rr = ok("assist", json, NULL);
        rh_facts *ff = NULL;
        assert_int_equal(rh_facts_create(&ff), RH_OK);
        assert_int_equal(rh_score_result_export_facts(rr, ff), RH_OK);
        char name[64];
        snprintf(name, sizeof(name), "score.assist.%s", e[i].subst);
        if (rh_facts_num(ff, name) != e[i].score)
            fail_msg("%s: %g, wanted %g", json, rh_facts_num(ff, name), e[i].score);
        snprintf(name, sizeof(name), "score.assist.%s.band", e[i].subst);
        assert_string_equal(rh_facts_str(ff, name), e[i].band);
        rh_facts_destroy(ff);
        rh_score_result_destroy(rr);
    }
    /* Never used: 0, low; later answers contradict it. */
    r = ok("assist", "{\"substances\": {\"cocaine\": {\"q1\": false}}}", NULL);
    assert_true(rh_score_result_scorable(r));
    rh_score_result_destroy(r);
    err_is("assist", "{\"substances\": {\"cocaine\": {\"q1\": false, \"q2\": \"weekly\"}}}", NULL,
           RH_E_INVALID, "$.assessments.assist.substances.cocaine.q2", "never used");
    /* Q3-Q5 are not asked when Q2 is never (a 0 there is accepted). */
    err_is("assist",
           "{\"substances\": {\"ats\": {\"q1\": true, \"q2\": \"never\", \"q3\": \"weekly\", "
           "\"q6\": \"no\", \"q7\": \"no\"}}}",
           NULL, RH_E_INVALID, "$.assessments.assist.substances.ats.q3", "past 3 months");
    r = ok("assist",
           "{\"substances\": {\"ats\": {\"q1\": true, \"q2\": \"never\", \"q3\": \"never\", "
           "\"q6\": \"no\", \"q7\": \"no\"}}}",
           NULL);
    assert_true(rh_score_result_scorable(r));
    rh_score_result_destroy(r);
    /* Tobacco has no Q5. */
    err_is("assist",
           "{\"substances\": {\"tobacco\": {\"q1\": true, \"q2\": \"weekly\", \"q3\": \"never\", "
           "\"q4\": \"never\", \"q5\": \"never\", \"q6\": \"no\", \"q7\": \"no\"}}}",
           NULL, RH_E_INVALID, "$.assessments.assist.substances.tobacco.q5", "not asked");
    r = ok("assist",
           "{\"substances\": {\"tobacco\": {\"q1\": true, \"q2\": \"daily_or_almost_daily\", "
           "\"q3\": \"daily_or_almost_daily\", \"q4\": \"daily_or_almost_daily\", \"q6\": "
           "\"yes_past_3_months\", \"q7\": \"yes_past_3_months\"}}}",
           NULL);
    f = NULL;
    assert_int_equal(rh_facts_create(&f), RH_OK);
    assert_int_equal(rh_score_result_export_facts(r, f), RH_OK);
    assert_true(rh_facts_num(f, "score.assist.tobacco") == 31); /* tobacco maximum */
    rh_facts_destroy(f);
    rh_score_result_destroy(r);
    /* Missing answers the skip logic requires: not scorable, named. */
    r = ok("assist",
           "{\"substances\": {\"ats\": {\"q1\": true, \"q2\": \"weekly\", \"q3\": \"never\", "
           "\"q4\": \"never\", \"q6\": \"no\"}}}",
           NULL);
    assert_false(rh_score_result_scorable(r));
    j = rh_test_score_json(r, cat);
    assert_true(list_has(j, "missing_items", "substances.ats.q5"));
    assert_true(list_has(j, "missing_items", "substances.ats.q7"));
    json_decref(j);
    rh_score_result_destroy(r);
    r = ok("assist", "{\"substances\": {}}", NULL);
    assert_false(rh_score_result_scorable(r));
    rh_score_result_destroy(r);
    err_is("assist", "{\"substances\": {\"ats\": {\"q2\": \"sometimes\"}}}", NULL, RH_E_RANGE,
           "$.assessments.assist.substances.ats.q2", "not an accepted answer");
    err_is("assist", "{\"substances\": {\"heroin\": {\"q1\": true}}}", NULL, RH_E_INVALID,
           "$.assessments.assist.substances.heroin", "unknown field");
    /* Q8 injecting: flags, and days only with "yes, past 3 months". */
    r = ok("assist",
           "{\"substances\": {\"ats\": {\"q1\": false}}, \"q8\": \"yes_past_3_months\", "
           "\"q8_days_per_month\": 5}",
           NULL);
    assert_int_equal(rh_score_result_flag_count(r), 2);
    assert_string_equal(rh_score_result_flag_at(r, 0)->id, "injecting_past_3_months");
    assert_string_equal(rh_score_result_flag_at(r, 0)->severity, "warning");
    assert_null(rh_score_result_flag_at(r, 2));
    rh_score_result_destroy(r);
    r = ok("assist",
           "{\"substances\": {\"ats\": {\"q1\": false}}, \"q8\": \"yes_past_3_months\", "
           "\"q8_days_per_month\": 4}",
           NULL);
    assert_int_equal(rh_score_result_flag_count(r), 1);
    rh_score_result_destroy(r);
    err_is("assist",
           "{\"substances\": {\"ats\": {\"q1\": false}}, \"q8\": \"no\", \"q8_days_per_month\": 3}",
           NULL, RH_E_INVALID, "$.assessments.assist.q8_days_per_month", "asked only when");
}

static void mas_grades_are_ordinal_codes(void **state)
{
    (void)state;
    rh_score_result *r = ok("mas",
                            "{\"muscle_groups\": {\"shoulder_adductors_right\": \"1+\", "
                            "\"elbow_flexors_right\": 1, \"wrist_flexors_right\": \"0\"}}",
                            NULL);
    assert_true(rh_score_result_scorable(r));
    assert_true(isnan(rh_score_result_total(r))); /* never summed or averaged */
    rh_facts *f = NULL;
    assert_int_equal(rh_facts_create(&f), RH_OK);
    assert_int_equal(rh_score_result_export_facts(r, f), RH_OK);
    assert_string_equal(rh_facts_str(f, "score.mas.shoulder_adductors_right"), "1+");
    assert_string_equal(rh_facts_str(f, "score.mas.elbow_flexors_right"), "1");
    assert_string_equal(rh_facts_str(f, "score.mas.max"), "1+");
    assert_true(rh_facts_num(f, "score.mas.max_rank") == 2);
    rh_facts_destroy(f);
    rh_score_result_destroy(r);
    r = ok("mas", "{\"muscle_groups\": {\"a\": 2, \"b\": \"1+\"}}", NULL);
    json_t *j = rh_test_score_json(r, cat);
    assert_string_equal(json_string_value(json_object_get(json_object_get(j, "highest"), "code")),
                        "2");
    json_decref(j);
    rh_score_result_destroy(r);
    err_is("mas", "{\"muscle_groups\": {\"a\": \"5\"}}", NULL, RH_E_RANGE,
           "$.assessments.mas.muscle_groups.a", "not a grade");
    err_is("mas", "{\"muscle_groups\": {\"a\": 1.5}}", NULL, RH_E_RANGE,
           "$.assessments.mas.muscle_groups.a", "not a grade");
    err_is("mas", "{\"muscle_groups\": {\"Elbow\": \"1\"}}", NULL, RH_E_INVALID,
           "$.assessments.mas.muscle_groups.Elbow", "a-z");
    err_is("mas", "{\"muscle_groups\": {}}", NULL, RH_E_INVALID, "$.assessments.mas.muscle_groups",
           "1-64 muscle groups");
    r = ok("mas", "{\"muscle_groups\": {\"a\": null, \"b\": \"1\"}}", NULL);
    assert_false(rh_score_result_scorable(r));
    j = rh_test_score_json(r, cat);
    assert_true(list_has(j, "missing_items", "muscle_groups.a"));
    json_decref(j);
    rh_score_result_destroy(r);
}

static void fugl_meyer_sections_by_items_or_totals(void **state)
{
    (void)state;
    rh_score_result *r = ok("fma", "{\"ue_motor\": 48, \"le_motor\": 26}", NULL);
    assert_true(rh_score_result_total(r) == 74);
    assert_true(isnan(rh_score_result_value(r, "grand_total")));
    rh_score_result_destroy(r);
    r = ok("fma", "{\"ue_motor\": 28}", NULL);
    assert_true(rh_score_result_scorable(r));
    assert_true(isnan(rh_score_result_total(r)));
    assert_true(rh_score_result_value(r, "ue_motor") == 28);
    rh_score_result_destroy(r);
    char items[256];
    size_t n = (size_t)snprintf(items, sizeof(items), "{\"le_motor\": [");
    for (int i = 0; i < 17; i++)
        n += (size_t)snprintf(items + n, sizeof(items) - n, "%s%d", i ? "," : "",
                              i % 3 == 0 ? 1 : 2);
    snprintf(items + n, sizeof(items) - n, "]}");
    expect_score("fma", items, NULL, "le_motor", 6 * 1 + 11 * 2, 0);
    err_is("fma", "{\"ue_motor\": 67}", NULL, RH_E_RANGE, "$.assessments.fma.ue_motor", "0-66");
    err_is("fma", "{\"ue_motor\": [1,2]}", NULL, RH_E_INVALID, "$.assessments.fma.ue_motor",
           "expected 33 item scores");
    err_is("fma", "{\"balance\": [0,1,2,3,0,0,0]}", NULL, RH_E_RANGE,
           "$.assessments.fma.balance[3]", "item 4");
    r = ok("fma", "{}", NULL);
    assert_false(rh_score_result_scorable(r));
    rh_score_result_destroy(r);
    r = ok("fma", "{\"balance\": [0,1,2,null,0,0,0]}", NULL);
    assert_false(rh_score_result_scorable(r));
    json_t *j = rh_test_score_json(r, cat);
    assert_true(list_has(j, "missing_items", "balance"));
    json_decref(j);
    rh_score_result_destroy(r);
}

/* ---- missing items ---- */

static void missing_items_follow_each_instruments_rule(void **state)
{
    (void)state;
    /* No rule (PHQ-9): not scorable, the item named; the alert still fires. */
    rh_score_result *r = ok("phq9", "{\"items\": [2,2,null,2,1,1,1,0,1]}", NULL);
    assert_false(rh_score_result_scorable(r));
    assert_true(isnan(rh_score_result_total(r)));
    assert_null(rh_score_result_band_code(r));
    assert_int_equal(rh_score_result_flag_count(r), 1);
    json_t *j = rh_test_score_json(r, cat);
    assert_true(list_has(j, "missing_items", "3"));
    assert_string_equal(json_string_value(json_object_get(j, "result")), "not_scorable");
    assert_int_equal(json_array_size(json_object_get(j, "not_scorable_reasons")), 1);
    json_decref(j);
    rh_score_result_destroy(r);
    /* DASS-21: 6 of 7 answered -> prorated (mean x 7, rounded, x 2); 5 of 7 -> no value. */
    r = ok("dass21", "{\"items\": [0,0,3,0,3,0,0,0,0,2,0,0,1,0,0,1,0,0,0,0,null]}", NULL);
    /* depression answered: 3+3+2+1+1+0 = 10 over 6 -> 11.67 -> 12 -> 24 */
    assert_true(rh_score_result_value(r, "depression") == 24);
    assert_string_equal(rh_score_result_value_band_code(r, "depression"), "severe");
    assert_true(rh_score_result_scorable(r));
    j = rh_test_score_json(r, cat);
    json_t *dep = json_array_get(json_object_get(j, "scores"), 0);
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(dep, "missing_rule"), "answered")), 6);
    assert_true(list_has(j, "missing_items", "21"));
    json_decref(j);
    rh_score_result_destroy(r);
    r = ok("dass21", "{\"items\": [0,0,3,0,3,0,0,0,0,2,0,0,1,0,0,null,0,0,0,0,null]}", NULL);
    assert_true(isnan(rh_score_result_value(r, "depression")));
    assert_true(rh_score_result_value(r, "anxiety") == 0);
    assert_false(rh_score_result_scorable(r));
    rh_score_result_destroy(r);
    /* BPI: interference scored from 4 of 7; from 3 of 7 it is null but severity scores. */
    r = ok("bpi-sf",
           "{\"worst\": 8, \"least\": 3, \"average\": 6, \"now\": 5, \"general_activity\": 6, "
           "\"mood\": 5, \"walking\": 4, \"work\": 5}",
           NULL);
    assert_true(rh_score_result_value(r, "interference") == 5);
    assert_true(rh_score_result_scorable(r));
    rh_score_result_destroy(r);
    r = ok("bpi-sf",
           "{\"worst\": 8, \"least\": 3, \"average\": 6, \"now\": 5, \"general_activity\": 6, "
           "\"mood\": 5, \"walking\": 4}",
           NULL);
    assert_true(isnan(rh_score_result_value(r, "interference")));
    assert_true(rh_score_result_value(r, "severity") == 5.5);
    assert_true(rh_score_result_scorable(r));
    rh_score_result_destroy(r);
    r = ok("bpi-sf", "{\"worst\": 8, \"least\": 3, \"average\": 6}", NULL);
    assert_false(rh_score_result_scorable(r));
    j = rh_test_score_json(r, cat);
    assert_true(list_has(j, "missing_items", "now"));
    json_decref(j);
    rh_score_result_destroy(r);
    /* BMI from the patient when the answers omit it; neither -> not scorable. */
    rh_score_opts pt = opts_of(NULL, NULL, NAN, 175, 68);
    expect_score("bmi", "{}", &pt, "total", 68 / (1.75 * 1.75), 1e-8);
    r = ok("bmi", "{\"height_cm\": 175}", NULL);
    assert_false(rh_score_result_scorable(r));
    j = rh_test_score_json(r, cat);
    assert_true(list_has(j, "missing_items", "weight_kg"));
    json_decref(j);
    rh_score_result_destroy(r);
}

/* ---- bad answers ---- */

static void out_of_range_answers_name_the_instrument_and_item(void **state)
{
    (void)state;
    err_is("phq9", "{\"items\": [0,0,0,4,0,0,0,0,0]}", NULL, RH_E_RANGE,
           "$.assessments.phq9.items[3]", "phq9 item 4: 4 is outside the accepted range 0-3");
    err_is("phq9", "{\"items\": [0,0,0,-1,0,0,0,0,0]}", NULL, RH_E_RANGE,
           "$.assessments.phq9.items[3]", "phq9 item 4");
    err_is("phq9", "{\"items\": [0,0,0,1.5,0,0,0,0,0]}", NULL, RH_E_RANGE,
           "$.assessments.phq9.items[3]", "phq9 item 4");
    err_is("phq9", "{\"items\": [0,0,0,\"always\",0,0,0,0,0]}", NULL, RH_E_RANGE,
           "$.assessments.phq9.items[3]", "'always' is not an accepted answer");
    err_is("phq9", "{\"items\": [0,0,0,true,0,0,0,0,0]}", NULL, RH_E_INVALID,
           "$.assessments.phq9.items[3]", "found a boolean");
    err_is("phq9", "{\"items\": [0,0,0,0,0,0,0,0]}", NULL, RH_E_INVALID, "$.assessments.phq9.items",
           "expected 9 answers");
    err_is("phq9", "{\"items\": [0,0,0,0,0,0,0,0,0,0]}", NULL, RH_E_INVALID,
           "$.assessments.phq9.items", "found 10");
    err_is("zung-sds", fill(20, 1, 0), NULL, RH_E_RANGE, "$.assessments.zung-sds.items[0]",
           "zung-sds item 1: 0 is outside the accepted range 1-4");
    err_is("isi", "{\"items\": [5,0,0,0,0,0,0]}", NULL, RH_E_RANGE, "$.assessments.isi.items[0]",
           "isi item 1: 5 is outside");
    err_is("dast10", "{\"items\": [\"yes\",true,true,true,true,true,true,true,true,true]}", NULL,
           RH_E_INVALID, "$.assessments.dast10.items[0]", "expected true or false");
    err_is("audit", "{\"items\": [0,0,0,0,0,0,0,0,3,0]}", NULL, RH_E_RANGE,
           "$.assessments.audit.items[8]", "audit item 9: 3 is not an accepted answer");
    err_is("psqi", "{\"latency_min\": -5}", NULL, RH_E_RANGE, "$.assessments.psqi.latency_min",
           "psqi item 'latency_min': -5 is outside the accepted range 0-720 min");
    err_is("tug", "{\"seconds\": 0.5}", NULL, RH_E_RANGE, "$.assessments.tug.seconds",
           "tug item 'seconds'");
    err_is("craving-vas", "{\"value\": 101}", NULL, RH_E_RANGE, "$.assessments.craving-vas.value",
           "0-100");
    err_is("pain-nrs", "{\"value\": 11}", NULL, RH_E_RANGE, "$.assessments.pain-nrs.value", "0-10");
    err_is("barthel", "{\"feeding\": 7}", NULL, RH_E_RANGE, "$.assessments.barthel.feeding",
           "barthel item 'feeding': 7 is not an accepted answer");
    err_is("bmi", "{\"weight_kg\": 500, \"height_cm\": 170}", NULL, RH_E_RANGE,
           "$.assessments.bmi.weight_kg", "20-400 kg");
    err_is("6mwt", "{\"distance_m\": \"far\"}", NULL, RH_E_INVALID, "$.assessments.6mwt.distance_m",
           "expected a number");
    err_is("mrs", "{\"grade\": 7}", NULL, RH_E_RANGE, "$.assessments.mrs.grade", "0-6");
}

static void unknown_members_and_contradictions_are_errors(void **state)
{
    (void)state;
    err_is("phq9", "{\"items\": [0,0,0,0,0,0,0,0,0], \"item10\": 1}", NULL, RH_E_INVALID,
           "$.assessments.phq9.item10", "phq9: unknown member 'item10'");
    err_is("phq9", "[0,0,0]", NULL, RH_E_INVALID, "$.assessments.phq9", "must be a JSON object");
    err_is("nope", "{}", NULL, RH_E_NOTFOUND, "$.assessments.nope", "unknown instrument 'nope'");
    err_is("sds-dependence", "{\"substance\": \"glue\", \"items\": [0,0,0,0,0]}", NULL,
           RH_E_INVALID, "$.assessments.sds-dependence.substance", "'glue' is not one of");
    err_is("phq9", "{\"band_set\": \"nope\", \"items\": [0,0,0,0,0,0,0,0,0]}", NULL, RH_E_INVALID,
           "$.assessments.phq9.band_set", "has no band set 'nope'");
    err_is("audit-c", "{\"band_set\": \"audit_c_women\", \"items\": [0,0,0]}", NULL, RH_E_INVALID,
           "$.assessments.audit-c.band_set", "does not apply");
    err_is("phq9", "{\"administered\": \"2999-01-01\", \"items\": [0,0,0,0,0,0,0,0,0]}", NULL,
           RH_E_INVALID, "$.assessments.phq9.administered", "in the future");
    err_is("phq9", "{\"administered\": \"2024-02-30\", \"items\": [0,0,0,0,0,0,0,0,0]}", NULL,
           RH_E_INVALID, "$.assessments.phq9.administered", "not a date");
    /* Patient values: answers and options must agree. */
    rh_score_opts male = opts_of(NULL, "male", 40, 170, 68);
    err_is("grip", "{\"kg\": 30, \"patient\": {\"sex\": \"female\"}}", &male, RH_E_INVALID,
           "$.assessments.grip.patient.sex", "contradicts");
    err_is("6mwt", "{\"distance_m\": 300, \"patient\": {\"age_y\": 41}}", &male, RH_E_INVALID,
           "$.assessments.6mwt.patient.age_y", "contradicts");
    err_is("bmi", "{\"weight_kg\": 70, \"height_cm\": 170}", &male, RH_E_INVALID,
           "$.assessments.bmi.weight_kg", "contradicts the patient's weight_kg of 68");
    expect_score("bmi", "{\"weight_kg\": 68}", &male, "total", 68 / (1.7 * 1.7), 1e-8);
    err_is("6mwt", "{\"distance_m\": 300, \"patient\": {\"age_y\": 300}}", NULL, RH_E_RANGE,
           "$.assessments.6mwt.patient.age_y", "outside the accepted range");
    err_is("6mwt", "{\"distance_m\": 300, \"patient\": {\"shoe\": 42}}", NULL, RH_E_INVALID,
           "$.assessments.6mwt.patient.shoe", "unknown field");
    /* Options themselves. */
    rh_score_opts bad = opts_of("fr", NULL, NAN, NAN, NAN);
    err_is("phq9", fill(9, 3, 0), &bad, RH_E_INVALID, "$.assessments.phq9", "unsupported locale");
    bad = opts_of(NULL, "x", NAN, NAN, NAN);
    err_is("phq9", fill(9, 3, 0), &bad, RH_E_INVALID, "$.assessments.phq9", "neither male");
    bad = opts_of(NULL, NULL, 300, NAN, NAN);
    err_is("phq9", fill(9, 3, 0), &bad, RH_E_RANGE, "$.assessments.phq9", "age 300");
    bad = opts_of(NULL, NULL, NAN, 0, NAN);
    err_is("phq9", fill(9, 3, 0), &bad, RH_E_RANGE, "$.assessments.phq9", "height 0");
    /* The patient's value must lie in the instrument's range. */
    rh_score_opts giant = opts_of(NULL, NULL, NAN, 260, 68);
    err_is("bmi", "{}", &giant, RH_E_RANGE, "$.assessments.bmi", "height_cm 260");
}

/* ---- selection, facts, output ---- */

static void band_sets_follow_locale_sex_and_context(void **state)
{
    (void)state;
    /* SDS bands need the substance; other substances have no published cut-off. */
    rh_score_result *r = ok("sds-dependence", "{\"items\": [2,2,1,2,1]}", NULL);
    assert_true(rh_score_result_scorable(r));
    assert_null(rh_score_result_band_code(r));
    json_t *j = rh_test_score_json(r, cat);
    assert_true(list_has(j, "missing_inputs", "substance"));
    json_decref(j);
    rh_score_result_destroy(r);
    r = ok("sds-dependence", "{\"substance\": \"cannabis\", \"items\": [2,2,1,2,1]}", NULL);
    assert_null(rh_score_result_band_code(r));
    j = rh_test_score_json(r, cat);
    assert_int_equal(json_array_size(json_object_get(j, "missing_inputs")), 0);
    json_decref(j);
    rh_score_result_destroy(r);
    rh_score_opts zh = opts_of("zh", NULL, NAN, NAN, NAN);
    r = ok("sds-dependence", "{\"substance\": \"ats\", \"items\": [2,2,1,2,1]}", &zh);
    j = rh_test_score_json(r, cat);
    json_t *applied = json_object_get(json_object_get(j, "cutoffs_applied"), "band_sets");
    assert_string_equal(json_string_value(json_array_get(applied, 0)), "c_sds_s");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(j, "cutoffs_applied"), "locale")), "zh");
    assert_string_equal(rh_score_result_band_label(r, "zh"), "提示中重度使用障碍（≥5分）");
    json_decref(j);
    rh_score_result_destroy(r);
    /* AUDIT-C without the sex: scored, no band, the missing input named. */
    r = ok("audit-c", fill(3, 4, 4), NULL);
    assert_true(rh_score_result_total(r) == 4);
    assert_null(rh_score_result_band_code(r));
    j = rh_test_score_json(r, cat);
    assert_true(list_has(j, "missing_inputs", "patient.sex"));
    assert_string_equal(set_band(j, "audit_c_men"), "-");
    json_decref(j);
    rh_score_result_destroy(r);
    /* Sex from the answers' patient member. */
    r = ok("audit-c", "{\"items\": [1,1,1], \"patient\": {\"sex\": \"female\"}}", NULL);
    assert_string_equal(rh_score_result_band_code(r), "positive");
    assert_string_equal(rh_score_result_band_label(r, "en"), "positive (3 or more)");
    assert_string_equal(rh_score_result_band_label(r, "xx"), "positive (3 or more)");
    rh_score_result_destroy(r);
}

static void facts_are_exported_under_stable_names(void **state)
{
    (void)state;
    rh_facts *f = NULL;
    assert_int_equal(rh_facts_create(&f), RH_OK);
    rh_score_result *r = ok("phq9", "{\"items\": [2,2,1,2,1,1,1,0,1]}", NULL);
    assert_int_equal(rh_score_result_export_facts(r, f), RH_OK);
    rh_score_result_destroy(r);
    assert_true(rh_facts_bool(f, "score.phq9.scorable"));
    assert_true(rh_facts_num(f, "score.phq9.total") == 11);
    assert_string_equal(rh_facts_str(f, "score.phq9.band"), "moderate");
    assert_true(rh_facts_num(f, "score.phq9.phq2") == 4);
    assert_string_equal(rh_facts_str(f, "score.phq9.phq2.band"), "positive");
    assert_true(rh_facts_bool(f, "score.phq9.flag.urgent_review"));
    assert_true(rh_facts_num(f, "score.phq9.item.9") == 1);
    assert_null(rh_facts_get(f, "score.phq9.mdd_symptom_count")); /* intermediate */
    assert_false(rh_facts_bool(f, "score.phq9.mdd_algorithm"));
    assert_string_equal(rh_facts_get(f, "score.phq9.total")->source, "score:phq9");
    rh_score_opts p1 = opts_of(NULL, "male", 64, 170, 72);
    r = ok("6mwt", "{\"distance_m\": 380}", &p1);
    assert_int_equal(rh_score_result_export_facts(r, f), RH_OK);
    rh_score_result_destroy(r);
    assert_true(fabs(rh_facts_num(f, "score.6mwt.pct_predicted") - 71.711643706) < 1e-6);
    assert_int_equal(rh_facts_get(f, "score.6mwt.below_lln")->type, RH_FACT_BOOL);
    assert_false(rh_facts_bool(f, "score.6mwt.below_lln"));
    assert_int_equal(rh_facts_get(f, "score.6mwt.flag.outside_reference_population")->type,
                     RH_FACT_BOOL);
    r = ok("bbs", fill(14, 4, 52), NULL);
    assert_int_equal(rh_score_result_export_facts(r, f), RH_OK);
    rh_score_result_destroy(r);
    assert_false(rh_facts_bool(f, "score.bbs.fall_risk"));
    assert_string_equal(rh_facts_str(f, "score.bbs.band"), "not_increased");
    r = ok("bpi-sf", "{\"worst\": 8, \"least\": 3, \"average\": 6, \"now\": 5}", NULL);
    assert_int_equal(rh_score_result_export_facts(r, f), RH_OK);
    rh_score_result_destroy(r);
    assert_string_equal(rh_facts_str(f, "score.bpi-sf.item.worst.band"), "severe");
    assert_true(rh_facts_num(f, "score.bpi-sf.severity") == 5.5);
    assert_int_equal(rh_facts_get(f, "score.bpi-sf.interference")->type, RH_FACT_NULL);
    assert_int_equal(rh_facts_get(f, "score.bpi-sf.total")->type, RH_FACT_NULL);
    /* Unknown flag state (no age) is null, not false. */
    r = ok("6mwt", "{\"distance_m\": 380}", NULL);
    assert_int_equal(rh_score_result_export_facts(r, f), RH_OK);
    rh_score_result_destroy(r);
    assert_int_equal(rh_facts_get(f, "score.6mwt.flag.outside_reference_population")->type,
                     RH_FACT_NULL);
    assert_int_equal(rh_facts_get(f, "score.6mwt.below_lln")->type, RH_FACT_NULL);
    rh_facts_destroy(f);
}

static void json_is_deterministic_and_complete(void **state)
{
    (void)state;
    rh_score_result *r = ok("phq9", "{\"items\": [2,2,1,2,1,1,1,0,0]}", NULL);
    rh_buf a, b;
    rh_buf_init(&a, 0);
    rh_buf_init(&b, 0);
    rh_jw w;
    rh_jw_init(&w, &a, RH_JW_PRETTY);
    rh_score_result_write_json(r, cat, &w);
    assert_int_equal(rh_jw_finish(&w), RH_OK);
    rh_jw_init(&w, &b, RH_JW_PRETTY);
    rh_score_result_write_json(r, cat, &w);
    assert_int_equal(rh_jw_finish(&w), RH_OK);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);
    rh_buf_release(&a);
    rh_buf_release(&b);
    json_t *j = rh_test_score_json(r, cat);
    static const char *const keys[] = {"instrument",
                                       "name",
                                       "name_zh",
                                       "abbrev",
                                       "result",
                                       "scorable",
                                       "total",
                                       "total_display",
                                       "range",
                                       "band",
                                       "scores",
                                       "band_sets",
                                       "flags",
                                       "items",
                                       "missing_items",
                                       "missing_inputs",
                                       "not_scorable_reasons",
                                       "notes",
                                       "exclusion",
                                       "cutoffs_applied",
                                       "patient",
                                       "change_thresholds",
                                       "codes",
                                       "licence",
                                       "rules",
                                       "status",
                                       "evidence",
                                       "unverified",
                                       NULL};
    for (const char *const *k = keys; *k; k++)
        if (!json_object_get(j, *k))
            fail_msg("result JSON lacks '%s'", *k);
    json_t *ev = json_array_get(json_object_get(j, "evidence"), 0);
    assert_string_equal(json_string_value(json_object_get(ev, "id")), "std:kroenke2001");
    assert_non_null(json_object_get(ev, "grade"));
    json_t *codes = json_object_get(j, "codes");
    assert_string_equal(json_string_value(json_object_get(json_array_get(codes, 1), "code")),
                        "44261-6");
    assert_string_equal(json_string_value(json_object_get(json_object_get(j, "licence"), "code")),
                        "public_domain");
    json_t *item1 = json_array_get(json_object_get(j, "items"), 0);
    assert_string_equal(json_string_value(json_object_get(item1, "answer")),
                        "more_than_half_the_days");
    assert_true(json_number_value(json_object_get(item1, "value")) == 2);
    json_decref(j);
    assert_string_equal(rh_score_result_id(r), "phq9");
    assert_string_equal(rh_score_result_total_display(r), "10");
    rh_score_result_destroy(r);
    rh_score_result_destroy(NULL);
    /* Choice answers echo their code; clock times echo HH:MM. */
    r = ok("psqi", psqi("23:05", 45, "06:30", 5.5, 2, 11, 2, 0, 1, 1), NULL);
    j = rh_test_score_json(r, cat);
    json_t *bed = json_array_get(json_object_get(j, "items"), 0);
    assert_string_equal(json_string_value(json_object_get(bed, "answer")), "23:05");
    json_t *q5a = json_array_get(json_object_get(j, "items"), 4);
    assert_string_equal(json_string_value(json_object_get(q5a, "answer")), "once_or_twice_a_week");
    json_decref(j);
    rh_score_result_destroy(r);
}

static void display_rounds_halves_away_from_zero(void **state)
{
    (void)state;
    static const struct {
        double v;
        int d;
        const char *s;
    } c[] = {{5.2857142857142856, 2, "5.29"},
             {5.5, 2, "5.50"},
             {2.675, 2, "2.68"},
             {0.125, 2, "0.13"},
             {-0.125, 2, "-0.13"},
             {0.5, 0, "1"},
             {-0.5, 0, "-1"},
             {1.5, 0, "2"},
             {2.5, 0, "3"},
             {9.995, 2, "10.00"},
             {99.95, 1, "100.0"},
             {-0.004, 2, "0.00"},
             {42.70304, 1, "42.7"},
             {529.9000000000001, 2, "529.90"},
             {0, 3, "0.000"},
             {123456, 0, "123456"},
             {1e-7, 2, "0.00"}};
    for (size_t i = 0; i < sizeof(c) / sizeof(*c); i++) {
        char out[48];
        rh_score_format(c[i].v, c[i].d, out, sizeof(out));
        if (strcmp(out, c[i].s) != 0)
            fail_msg("format(%.17g, %d) = '%s', wanted '%s'", c[i].v, c[i].d, out, c[i].s);
    }
    char out[48];
    rh_score_format(NAN, 2, out, sizeof(out));
    assert_string_equal(out, "");
}

/* ---- allocation failures ---- */

typedef struct fault_ctx {
    const char *id, *json;
    rh_score_opts opts;
} fault_ctx;

static rh_status score_everything(void *p)
{
    const fault_ctx *c = p;
    rh_json *j = NULL;
    rh_err err;
    rh_err_init(&err);
    rh_status rc = rh_json_parse(c->json, strlen(c->json), "t", &j, &err);
    rh_score_result *r = NULL;
    rh_facts *f = NULL;
    rh_buf b;
    rh_buf_init(&b, 0);
    if (rc == RH_OK) {
        rh_jx jx;
        rh_jx_init(&jx, "t", &err);
        rc = rh_score_run(cat, c->id, j, &jx, &c->opts, &r);
    }
    if (rc == RH_OK)
        rc = rh_facts_create(&f);
    if (rc == RH_OK)
        rc = rh_score_result_export_facts(r, f);
    if (rc == RH_OK) {
        rh_jw w;
        rh_jw_init(&w, &b, 0);
        rh_score_result_write_json(r, cat, &w);
        rc = rh_jw_finish(&w);
    }
    rh_buf_release(&b);
    rh_facts_destroy(f);
    rh_score_result_destroy(r);
    rh_json_free(j);
    return rc;
}

static void scoring_survives_every_allocation_failure(void **state)
{
    (void)state;
    static const struct {
        const char *id, *json;
    } cases[] = {
        {"phq9", "{\"items\": [2,2,null,2,1,1,1,0,1]}"},
        {"psqi", "{\"bed_time\": \"23:00\", \"latency_min\": 45, \"wake_time\": \"06:30\", "
                 "\"sleep_hours\": 5.5, \"q5a\": 2, \"q5b\": 1, \"q6\": 2}"},
        {"assist", "{\"substances\": {\"ats\": {\"q2\": \"weekly\", \"q3\": \"never\", \"q4\": "
                   "\"never\", \"q6\": \"no\"}, \"alcohol\": {\"q1\": false}}, \"q8\": \"no\"}"},
        {"mas", "{\"muscle_groups\": {\"a\": \"1+\", \"b\": null, \"c\": 3}}"},
        {"6mwt", "{\"distance_m\": 380}"},
        {"fma", "{\"balance\": [0,1,2,null,0,0,0], \"ue_motor\": 30}"},
        {"sds-dependence", "{\"items\": [1,1,1,1,1], \"comment\": \"x\"}"},
        {"ipaq-short", "{\"vigorous_days\": 1, \"vigorous_min_per_day\": 500, \"moderate_days\": "
                       "1, \"moderate_min_per_day\": 500, \"walking_days\": 0}"},
        {"chair-stand-30s", "{\"stands\": 12, \"patient\": {\"sex\": \"male\", \"age_y\": 59}}"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        fault_ctx c = {cases[i].id, cases[i].json, opts_of(NULL, NULL, NAN, NAN, NAN)};
        assert_int_equal(score_everything(&c), RH_OK);
        long n = rh_test_fault_loop(score_everything, &c);
        assert_true(n > 3);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(phq9_gad7_isi_bbs_band_edges),
        cmocka_unit_test(dast_audit_sds_band_edges),
        cmocka_unit_test(zung_scales_use_the_index_with_reverse_keying),
        cmocka_unit_test(pain_instruments_band_edges),
        cmocka_unit_test(tug_barthel_mrs_band_edges),
        cmocka_unit_test(dass21_subscales_are_doubled_and_banded),
        cmocka_unit_test(psqi_components_and_cutoffs),
        cmocka_unit_test(psqi_rejects_more_sleep_than_time_in_bed),
        cmocka_unit_test(ipaq_categories_and_data_processing),
        cmocka_unit_test(anthropometry_and_strength_cutoffs),
        cmocka_unit_test(formulas_six_minute_walk_rockport_one_rm),
        cmocka_unit_test(assist_skip_logic_and_risk),
        cmocka_unit_test(mas_grades_are_ordinal_codes),
        cmocka_unit_test(fugl_meyer_sections_by_items_or_totals),
        cmocka_unit_test(missing_items_follow_each_instruments_rule),
        cmocka_unit_test(out_of_range_answers_name_the_instrument_and_item),
        cmocka_unit_test(unknown_members_and_contradictions_are_errors),
        cmocka_unit_test(band_sets_follow_locale_sex_and_context),
        cmocka_unit_test(facts_are_exported_under_stable_names),
        cmocka_unit_test(json_is_deterministic_and_complete),
        cmocka_unit_test(display_rounds_halves_away_from_zero),
        cmocka_unit_test(scoring_survives_every_allocation_failure),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
