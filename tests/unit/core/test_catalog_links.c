/* SPDX-License-Identifier: MIT
 *
 * Cross-file checks of the knowledge base, run once every file is loaded:
 * each test takes the shipped files (the embedded copy), breaks one reference
 * in one file, and expects the catalog to refuse it with an error naming that
 * file and JSON path, instead of failing later inside a prescription.
 */
#include "rh_test.h"

#include "base/alloc.h"
#include "core/catalog.h"
#include "core/embedded.h"
#include "core/plandata.h"

#include <stdio.h>
#include <string.h>

/* The shipped files with `path`'s first `from` replaced by `to` (or, when
 * `path` is not shipped, with a new file `path` holding `to`). */
typedef struct mutated {
    rh_catalog_source *src;
    size_t n;
    char *patched;
} mutated;

static void mutate(mutated *m, const char *path, const char *from, const char *to)
{
    m->src = rh_calloc(rh_embedded_count + 1, sizeof(*m->src));
    assert_non_null(m->src);
    m->n = rh_embedded_count;
    m->patched = NULL;
    bool found = false;
    for (unsigned i = 0; i < rh_embedded_count; i++) {
        const rh_embedded_file *f = &rh_embedded_files[i];
        m->src[i] = (rh_catalog_source){f->path, (const char *)f->data, f->len};
        if (strcmp(f->path, path) != 0)
            continue;
        const char *at = strstr((const char *)f->data, from);
        if (!at)
            fail_msg("'%s' does not contain '%s': the test data moved", path, from);
        size_t pre = (size_t)(at - (const char *)f->data);
        size_t len = f->len - strlen(from) + strlen(to);
        m->patched = rh_malloc(len + 1);
        assert_non_null(m->patched);
        memcpy(m->patched, f->data, pre);
        memcpy(m->patched + pre, to, strlen(to));
        memcpy(m->patched + pre + strlen(to), at + strlen(from), f->len - pre - strlen(from));
        m->patched[len] = '\0';
        m->src[i].data = m->patched;
        m->src[i].len = len;
        found = true;
    }
    if (!found)
        m->src[m->n++] = (rh_catalog_source){path, to, strlen(to)};
}

/* `expect_file`: the file the error names when not `path` itself. */
static const char *expect_file;

static void expect_refused(const char *path, const char *from, const char *to, const char *field,
                           const char *msg_part)
{
    mutated m;
    mutate(&m, path, from, to);
    rh_catalog *cat = NULL;
    rh_err err;
    rh_err_init(&err);
    rh_status rc = rh_catalog_load_sources(m.src, m.n, "test", &cat, &err);
    rh_free(m.patched);
    rh_free(m.src);
    if (rc == RH_OK) {
        rh_catalog_destroy(cat);
        fail_msg("%s: '%s' -> '%s' was accepted", path, from, to);
    }
    assert_null(cat);
    assert_string_equal(err.source, expect_file ? expect_file : path);
    assert_string_equal(err.field, field);
    if (!strstr(err.msg, msg_part))
        fail_msg("message '%s' does not contain '%s'", err.msg, msg_part);
}

static void shipped_files_pass_every_link_check(void **state)
{
    (void)state;
    mutated m;
    mutate(&m, "none", "", "");
    m.n--; /* drop the empty file mutate() appended */
    rh_catalog *cat = NULL;
    rh_err err;
    rh_err_init(&err);
    rh_status rc = rh_catalog_load_sources(m.src, m.n, "test", &cat, &err);
    rh_free(m.src);
    if (rc != RH_OK) {
        char t[512];
        rh_err_format(&err, t, sizeof(t));
        fail_msg("%s", t);
    }
    assert_true(rh_plandata_ref_exists(cat, "hr_max_formula", "MEASURED"));
    assert_true(rh_plandata_ref_exists(cat, "hr_max_formula", "TANAKA"));
    assert_false(rh_plandata_ref_exists(cat, "hr_max_formula", "tanaka"));
    assert_true(rh_plandata_ref_exists(cat, "rtms_order", "exercise_first"));
    assert_true(rh_plandata_ref_exists(cat, "intensity_class", "vigorous"));
    assert_false(rh_plandata_ref_exists(cat, "no_such_kind", "vigorous"));
    rh_catalog_destroy(cat);
}

static void rtms_protocol_needs_a_known_neural_target(void **state)
{
    (void)state;
    /* An empty target once reached the prescription and was read past its end. */
    expect_refused("rtms.json", "\"neural_target\": \"nt.dlpfc_top_down\"",
                   "\"neural_target\": \"\"", "$.protocols[0].neural_target",
                   "'' is not a neural target");
    expect_refused("rtms.json", "\"neural_target\": \"nt.", "\"neural_target\": \"",
                   "$.protocols[0].neural_target", "is not a neural target");
    expect_refused("rtms.json", "\"neural_target\": \"nt.", "\"neural_target\": \"nt.zz_",
                   "$.protocols[0].neural_target", "is not a neural target");
}

static void decision_values_must_name_catalog_entries(void **state)
{
    (void)state;
    expect_refused("decisions.json", "\"LONDEREE\"]", "\"LONDEREE\", \"HRMAX_220\"]",
                   "$.domains[5].values", "'HRMAX_220' is not a known hr_max_formula");
    expect_refused("decisions.json", "\"stimulation_first\"]",
                   "\"stimulation_first\", \"same_time\"]", "$.domains[4].values",
                   "'same_time' is not a known rtms_order");
    expect_refused("decisions.json", "\"values\": [\"rtms.sud.10hz_ldlpfc_r2\"",
                   "\"values\": [\"rtms.sud.1hz_ldlpfc\", \"rtms.sud.10hz_ldlpfc_r2\"",
                   "$.domains[3].values", "'rtms.sud.1hz_ldlpfc' is not a known rtms_protocol");
    expect_refused("decisions.json", "\"refers_to\": \"intensity_class\"",
                   "\"refers_to\": \"intensity\"", "$.domains[1].refers_to", "intensity");
}

static void intensity_classes_must_cover_components_and_the_cap(void **state)
{
    (void)state;
    /* Renaming a class leaves components (linked first) pointing at nothing. */
    expect_file = "components/methamphetamine.json";
    expect_refused("formulas.json", "\"class\": \"vigorous\"", "\"class\": \"hard\"",
                   "$.components[8].intensity_class", "'vigorous' is not an intensity class");
    expect_file = NULL;
}

static void policy_choices_must_name_formulas(void **state)
{
    (void)state;
    expect_refused("policy.json", "\"LONDEREE\"\n", "\"LONDEREE\", \"NES\"\n",
                   "$.policies[12].choices", "'NES' is not a known hr_max_formula");
}

static void medication_tags_must_be_medication_classes(void **state)
{
    (void)state;
    expect_refused("vocab/medications.json", "\"tags\": [\"beta_blocker\"",
                   "\"tags\": [\"beta_blockers\"", "$.groups[1].items",
                   "tag 'beta_blockers' is not a code of group 'med_class'");
    expect_refused("vocab/medications.json", "\"tags_from\": \"med_class\"",
                   "\"tags_from\": \"medclass\"", "$.groups[1].tags_from",
                   "'medclass' is not a vocabulary group");
}

static void a_vocabulary_group_is_defined_once(void **state)
{
    (void)state;
    static const char extra[] =
        "{\"schema\": \"rehabit.vocab/1\", \"version\": \"t\", \"groups\": [{\"group\": \"nt\", "
        "\"items\": [{\"code\": \"zz_extra\", \"label\": {\"en\": \"extra\"}}]}]}";
    expect_refused("vocab/zz.json", "", extra, "$.groups[0].group", "already defined");
}

static void decisions_and_formulas_files_are_single(void **state)
{
    (void)state;
    static const char decisions2[] =
        "{\"schema\": \"rehabit.decisions/1\", \"version\": \"t\", \"phases\": [\"derive\"], "
        "\"domains\": []}";
    expect_refused("decisions2.json", "", decisions2, "$", "a second decisions file");
    static const char formulas2[] =
        "{\"schema\": \"rehabit.formulas/1\", \"version\": \"t\", \"hr_max\": [], "
        "\"intensity_classes\": [], \"dfa_alpha1_thresholds\": [{\"id\": \"t.a\", \"boundary\": "
        "\"aerobic_threshold\", \"alpha1\": 0.8, \"note\": \"n\", \"status\": \"unverified\", "
        "\"evidence\": [\"ext:rogers2021a\"]}, {\"id\": \"t.b\", \"boundary\": "
        "\"anaerobic_threshold\", \"alpha1\": 0.4, \"note\": \"n\", \"status\": \"unverified\", "
        "\"evidence\": [\"ext:rogers2021b\"]}]}";
    expect_refused("formulas2.json", "", formulas2, "$", "a second formulas file");
}

static void manifest_notes_are_checked(void **state)
{
    (void)state;
    expect_refused("manifest.json", "\"verified_on\": \"2026-11-23\"",
                   "\"verified_on\": \"2026-11-31\"", "$.notes[0].verified_on", "not a date");
    expect_refused("manifest.json", "\"namespace\": \"std\"", "\"namespace\": \"Std\"",
                   "$.notes[0].namespace", "lower-case");
    expect_refused("manifest.json", "\"namespace\": \"std\"", "\"namespace\": \"std\", \"by\": 1",
                   "$.notes[0].by", "unknown field");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shipped_files_pass_every_link_check),
        cmocka_unit_test(rtms_protocol_needs_a_known_neural_target),
        cmocka_unit_test(decision_values_must_name_catalog_entries),
        cmocka_unit_test(intensity_classes_must_cover_components_and_the_cap),
        cmocka_unit_test(policy_choices_must_name_formulas),
        cmocka_unit_test(medication_tags_must_be_medication_classes),
        cmocka_unit_test(a_vocabulary_group_is_defined_once),
        cmocka_unit_test(decisions_and_formulas_files_are_single),
        cmocka_unit_test(manifest_notes_are_checked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
