/* SPDX-License-Identifier: MIT
 *
 * Golden tests of instrument scoring against the worked examples in the
 * shared notes (dev-vignettes.md, exercise-standards.md, evidence-sud-rtms.md).
 * Each case carries the sentence of the note it transcribes; the test first
 * checks that the sentence is still in the note (whitespace-insensitive), so
 * a changed note fails here instead of silently diverging.
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
#include <string.h>

static rh_catalog *cat;

/* Collapses whitespace runs to one space (notes wrap their lines). */
static char *squash(const char *s)
{
    size_t n = strlen(s);
    char *out = rh_malloc(n + 1);
    size_t o = 0;
    bool space = false;
    for (size_t i = 0; i < n; i++) {
        bool ws = s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r';
        if (ws) {
            space = o > 0;
            continue;
        }
        if (space)
            out[o++] = ' ';
        space = false;
        out[o++] = s[i];
    }
    out[o] = '\0';
    return out;
}

static char *notes[3];
static const char *const note_files[3] = {"knowledge/dev-vignettes.md",
                                          "knowledge/exercise-standards.md",
                                          "knowledge/evidence-sud-rtms.md"};

static void require_quote(int note, const char *quote)
{
    char *q = squash(quote);
    if (!strstr(notes[note], q))
        fail_msg("%s no longer says: \"%s\" (update the golden case)", note_files[note], quote);
    rh_free(q);
}

static int setup(void **state)
{
    (void)state;
    for (int i = 0; i < 3; i++) {
        size_t len = 0;
        char *raw = rh_test_slurp(rh_test_shared_path(note_files[i]), &len);
        if (!raw)
            return -1;
        notes[i] = squash(raw);
        rh_free(raw);
    }
    rh_err err;
    rh_err_init(&err);
    return rh_catalog_load_dir("data", &cat, &err) == RH_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    for (int i = 0; i < 3; i++)
        rh_free(notes[i]);
    rh_catalog_destroy(cat);
    return 0;
}

enum { VIG, STD, SUD };

typedef struct golden {
    int note;
    const char *quote;
    const char *id, *answers;
    const char *locale, *sex;
    double age, height, weight;
    const char *score;    /* NULL: the total */
    double value, tol;    /* value NAN: not checked */
    const char *display;  /* NULL: not checked */
    const char *band_set; /* NULL: the selected band of that score */
    const char *band;     /* NULL: not checked */
} golden;

#define NA NAN

static const golden cases[] = {
    /* ---- G1: methamphetamine use disorder ---- */
    {VIG, "PHQ-9 = **10, moderate**", "phq9", "{\"items\": [2,2,1,2,1,1,1,0,0]}", 0, 0, NA, NA, NA,
     NULL, 10, 0, "10", NULL, "moderate"},
    {VIG, "PHQ-2 = 4 (positive)", "phq9", "{\"items\": [2,2,1,2,1,1,1,0,0]}", 0, 0, NA, NA, NA,
     "phq2", 4, 0, "4", NULL, "positive"},
    {VIG, "PHQ-2 = 4 (positive)", "phq2", "{\"items\": [2,2]}", 0, 0, NA, NA, NA, NULL, 4, 0, "4",
     NULL, "positive"},
    {VIG, "GAD-7 = **7, mild**", "gad7", "{\"items\": [1,1,2,1,0,1,1]}", 0, 0, NA, NA, NA, NULL, 7,
     0, "7", NULL, "mild"},
    {VIG, "GAD-2 = 2 (negative)", "gad7", "{\"items\": [1,1,2,1,0,1,1]}", 0, 0, NA, NA, NA, "gad2",
     2, 0, "2", NULL, "negative"},
    {VIG, "GAD-2 = 2 (negative)", "gad2", "{\"items\": [1,1]}", 0, 0, NA, NA, NA, NULL, 2, 0, "2",
     NULL, "negative"},
    {VIG, "DAST-10 = **7, substantial** (item 3 \"No\" scores 1)", "dast10",
     "{\"items\": [true,true,false,true,true,true,true,false,false,false]}", 0, 0, NA, NA, NA, NULL,
     7, 0, "7", NULL, "substantial"},
    {VIG,
     "SDS = **8** → positive for problematic amphetamine use (≥5 per Topp & Mattick "
     "abstract; also ≥4)",
     "sds-dependence", "{\"substance\": \"amphetamine\", \"items\": [2,2,1,2,1]}", 0, 0, NA, NA, NA,
     NULL, 8, 0, "8", NULL, "positive"},
    {VIG, "also ≥4", "sds-dependence", "{\"substance\": \"amphetamine\", \"items\": [2,2,1,2,1]}",
     0, 0, NA, NA, NA, NULL, 8, 0, NULL, "ge4_secondary", "positive"},
    {VIG, "AUDIT = **1 → Zone I**", "audit", "{\"items\": [\"monthly_or_less\",0,0,0,0,0,0,0,0,0]}",
     0, 0, NA, NA, NA, NULL, 1, 0, "1", NULL, "zone_i"},
    {VIG, "IPAQ = 4.0·30·2 + 3.3·20·5 = **570 MET-min/wk → Low**", "ipaq-short",
     "{\"vigorous_days\": 0, \"moderate_days\": 2, \"moderate_min_per_day\": 30, "
     "\"walking_days\": 5, \"walking_min_per_day\": 20}",
     0, 0, NA, NA, NA, NULL, 570, 1e-9, "570.0", NULL, "low"},
    {VIG, "BMI = 22.204 (normal)", "bmi", "{}", 0, 0, NA, 175, 68, NULL, 22.204, 0.0005, "22.2",
     NULL, "normal"},
    {VIG, "Rockport VO2max = **42.703 mL·kg⁻¹·min⁻¹** (weight 149.914 lb)", "rockport",
     "{\"time_min\": 15.5, \"hr_end_bpm\": 150}", 0, "male", 28, 175, 68, NULL, 42.703, 0.0005,
     "42.7", NULL, NULL},
    {VIG, "(weight 149.914 lb)", "rockport", "{\"time_min\": 15.5, \"hr_end_bpm\": 150}", 0, "male",
     28, 175, 68, "weight_lb", 149.914, 0.0005, "149.914", NULL, NULL},
    /* ---- G2: type 2 diabetes, sleep problems ---- */
    {VIG,
     "C1 2, C2 2 (45 min → 2, + Q5a 2 = 4 → 2), C3 2 (5.5 h), C4 2 (5.5/7.5 = 73.33 %), C5 2 "
     "(sum 11), C6 0, C7 1 (1 + 1 = 2) → **global 11 → poor sleeper (>5)**",
     "psqi", "G2", 0, 0, NA, NA, NA, NULL, 11, 0, "11", NULL, "poor_sleeper"},
    {VIG, "C1 2", "psqi", "G2", 0, 0, NA, NA, NA, "c1", 2, 0, NULL, NULL, NULL},
    {VIG, "C2 2 (45 min → 2, + Q5a 2 = 4 → 2)", "psqi", "G2", 0, 0, NA, NA, NA, "c2", 2, 0, NULL,
     NULL, NULL},
    {VIG, "C3 2 (5.5 h)", "psqi", "G2", 0, 0, NA, NA, NA, "c3", 2, 0, NULL, NULL, NULL},
    {VIG, "C4 2 (5.5/7.5 = 73.33 %)", "psqi", "G2", 0, 0, NA, NA, NA, "c4", 2, 0, NULL, NULL, NULL},
    {VIG, "(5.5/7.5 = 73.33 %)", "psqi", "G2", 0, 0, NA, NA, NA, "efficiency_pct", 73.33, 0.005,
     "73.3", NULL, NULL},
    {VIG, "C5 2 (sum 11)", "psqi", "G2", 0, 0, NA, NA, NA, "c5", 2, 0, NULL, NULL, NULL},
    {VIG, "C6 0", "psqi", "G2", 0, 0, NA, NA, NA, "c6", 0, 0, NULL, NULL, NULL},
    {VIG, "C7 1 (1 + 1 = 2)", "psqi", "G2", 0, 0, NA, NA, NA, "c7", 1, 0, NULL, NULL, NULL},
    {SUD, "Chinese version (Liu Xianchen 1996): **> 7**", "psqi", "G2", "zh", 0, NA, NA, NA, NULL,
     11, 0, NULL, NULL, "poor_sleeper"},
    {VIG, "ISI = **19 → clinical insomnia, moderate (15–21)**", "isi",
     "{\"items\": [3,3,2,3,3,2,3]}", 0, 0, NA, NA, NA, NULL, 19, 0, "19", NULL, "moderate"},
    {VIG, "PHQ-9 = **8, mild**", "phq9", "{\"items\": [1,1,2,2,1,0,1,0,0]}", 0, 0, NA, NA, NA, NULL,
     8, 0, "8", NULL, "mild"},
    {VIG, "BMI = **30.469** → WHO obesity class I", "bmi", "{}", 0, 0, NA, 160, 78, NULL, 30.469,
     0.0005, "30.5", NULL, "obesity_i"},
    {VIG, "China ≥28 obese", "bmi", "{}", "zh", 0, NA, 160, 78, NULL, 30.469, 0.0005, NULL, NULL,
     "obese"},
    /* ---- P1: central post-stroke pain ---- */
    {VIG, "DN4 = **7 → neuropathic (≥4)**", "dn4", "P1-DN4", 0, 0, NA, NA, NA, NULL, 7, 0, "7",
     NULL, "positive"},
    {VIG, "BPI severity = **5.50**", "bpi-sf", "P1-BPI", 0, 0, NA, NA, NA, "severity", 5.5, 0,
     "5.50", NULL, NULL},
    {VIG, "interference = **5.00**", "bpi-sf", "P1-BPI", 0, 0, NA, NA, NA, "interference", 5.0, 0,
     "5.00", NULL, NULL},
    {VIG, "worst pain 8 → **severe** (7–10)", "bpi-sf", "P1-BPI", 0, 0, NA, NA, NA, NULL, NA, 0,
     NULL, "bpi_mdanderson", "severe"},
    {VIG, "NRS 6 → moderate (both band sets)", "pain-nrs", "{\"value\": 6}", 0, 0, NA, NA, NA, NULL,
     6, 0, "6", "bpi_mdanderson", "moderate"},
    {VIG, "NRS 6 → moderate (both band sets)", "pain-nrs", "{\"value\": 6}", 0, 0, NA, NA, NA, NULL,
     6, 0, "6", "alt_1_3", "moderate"},
    {VIG, "BBS 52 → not at increased fall risk (above all cut-offs 45 and 46.5–50.5)", "bbs",
     "{\"items\": [4,4,4,4,4,4,4,4,4,4,3,3,3,3]}", 0, 0, NA, NA, NA, NULL, 52, 0, "52", NULL,
     "not_increased"},
    {VIG, "above all cut-offs 45", "bbs", "{\"items\": [4,4,4,4,4,4,4,4,4,4,3,3,3,3]}", 0, 0, NA,
     NA, NA, NULL, 52, 0, NULL, "berg_45", "not_increased"},
    {VIG, "BBS 52 → not at increased fall risk", "bbs",
     "{\"items\": [4,4,4,4,4,4,4,4,4,4,3,3,3,3]}", 0, 0, NA, NA, NA, "fall_risk", 0, 0, NULL, NULL,
     NULL},
    {VIG, "TUG 11.8 s → below all cut-offs", "tug", "{\"seconds\": 11.8}", 0, 0, NA, NA, NA, NULL,
     11.8, 0, "11.8", NULL, "not_increased"},
    {VIG, "TUG 11.8 s → below all cut-offs", "tug", "{\"seconds\": 11.8}", 0, 0, NA, NA, NA, NULL,
     11.8, 0, NULL, "community_13_5", "not_increased"},
    {VIG, "TUG 11.8 s → below all cut-offs", "tug", "{\"seconds\": 11.8}", 0, 0, NA, NA, NA,
     "fall_risk", 0, 0, NULL, NULL, NULL},
    {VIG, "predicted 6MWD = 7.57·170 − 5.02·64 − 1.76·72 − 309 = **529.90 m**", "6mwt",
     "{\"distance_m\": 380}", 0, "male", 64, 170, 72, "predicted_m", 529.90, 1e-9, "529.90", NULL,
     NULL},
    {VIG, "380 m = **71.71 % predicted**", "6mwt", "{\"distance_m\": 380}", 0, "male", 64, 170, 72,
     "pct_predicted", 71.71, 0.005, "71.71", NULL, NULL},
    {VIG, "LLN (−153 m [M]) = 376.90 m → at/just above LLN", "6mwt", "{\"distance_m\": 380}", 0,
     "male", 64, 170, 72, "lln_m", 376.90, 1e-9, "376.90", NULL, NULL},
    {VIG, "at/just above LLN", "6mwt", "{\"distance_m\": 380}", 0, "male", 64, 170, 72, "below_lln",
     0, 0, NULL, NULL, NULL},
    {VIG, "BMI 24.913", "bmi", "{}", 0, 0, NA, 170, 72, NULL, 24.913, 0.0005, "24.9", NULL,
     "normal"},
    {VIG, "FMA-UE 48, FMA-LE 26", "fma", "{\"ue_motor\": 48, \"le_motor\": 26}", 0, 0, NA, NA, NA,
     NULL, 74, 0, "74", NULL, NULL},
    /* ---- P2: hemiplegic shoulder pain ---- */
    {VIG, "BPI severity **6.00**", "bpi-sf", "P2-BPI", 0, 0, NA, NA, NA, "severity", 6.0, 0, "6.00",
     NULL, NULL},
    {VIG, "interference **5.29** (37/7 = 5.2857)", "bpi-sf", "P2-BPI", 0, 0, NA, NA, NA,
     "interference", 37.0 / 7.0, 1e-12, "5.29", NULL, NULL},
    {VIG, "worst pain 8 → severe", "bpi-sf", "P2-BPI", 0, 0, NA, NA, NA, NULL, NA, 0, NULL,
     "bpi_mdanderson", "severe"},
    {VIG, "movement NRS 7 → severe", "pain-nrs", "{\"value\": 7, \"context\": \"movement\"}", 0, 0,
     NA, NA, NA, NULL, 7, 0, NULL, "alt_1_3", "severe"},
    {VIG, "rest NRS 3 → mild (both band sets)", "pain-nrs", "{\"value\": 3, \"context\": \"rest\"}",
     0, 0, NA, NA, NA, NULL, 3, 0, NULL, "bpi_mdanderson", "mild"},
    {VIG, "rest NRS 3 → mild (both band sets)", "pain-nrs", "{\"value\": 3, \"context\": \"rest\"}",
     0, 0, NA, NA, NA, NULL, 3, 0, NULL, "alt_1_3", "mild"},
    {VIG, "DN4 = **1 < 4**", "dn4", "P2-DN4", 0, 0, NA, NA, NA, NULL, 1, 0, "1", NULL, "negative"},
    {VIG, "FMA-UE 28", "fma", "{\"ue_motor\": 28}", 0, 0, NA, NA, NA, "ue_motor", 28, 0, "28", NULL,
     NULL},
    /* ---- P3: CRPS type I ---- */
    {VIG, "DN4 = **4 → positive**", "dn4", "P3-DN4", 0, 0, NA, NA, NA, NULL, 4, 0, "4", NULL,
     "positive"},
    {VIG, "NRS 7 → severe (both band sets)", "pain-nrs", "{\"value\": 7}", 0, 0, NA, NA, NA, NULL,
     7, 0, NULL, "bpi_mdanderson", "severe"},
    {VIG, "NRS 7 → severe (both band sets)", "pain-nrs", "{\"value\": 7}", 0, 0, NA, NA, NA, NULL,
     7, 0, NULL, "alt_1_3", "severe"},
    /* ---- exercise-standards.md worked examples and tables ---- */
    {STD, "Example w = 60 kg, r = 8: Epley 76.000; Brzycki 74.483; Lombardi 73.869 kg", "1rm",
     "{\"load_kg\": 60, \"reps\": 8}", 0, 0, NA, NA, NA, "epley", 76.000, 0.0005, "76.0", NULL,
     NULL},
    {STD, "Brzycki 74.483", "1rm", "{\"load_kg\": 60, \"reps\": 8}", 0, 0, NA, NA, NA, "brzycki",
     74.483, 0.0005, "74.5", NULL, NULL},
    {STD, "Lombardi 73.869 kg", "1rm", "{\"load_kg\": 60, \"reps\": 8}", 0, 0, NA, NA, NA,
     "lombardi", 73.869, 0.0005, "73.9", NULL, NULL},
    {STD, "Worked example: male, 28 y, 68 kg (149.914 lb), 15.5 min, HR 150 → 42.703.", "rockport",
     "{\"time_min\": 15.5, \"hr_end_bpm\": 150, \"weight_kg\": 68}", 0, "male", 28, NA, NA, NULL,
     42.703, 0.0005, NULL, NULL, NULL},
    {STD, "Women: 6MWD (m) = 2.11 × height − 2.29 × weight − 5.78 × age + 667", "6mwt",
     "{\"distance_m\": 400}", 0, "female", 55, 160, 78, "predicted_m",
     2.11 * 160 - 2.29 * 78 - 5.78 * 55 + 667, 1e-9, NULL, NULL, NULL},
    {STD, "subtract 153 m (men) or 139 m (women)", "6mwt", "{\"distance_m\": 400}", 0, "female", 55,
     160, 78, "lln_m", 2.11 * 160 - 2.29 * 78 - 5.78 * 55 + 667 - 139, 1e-9, NULL, NULL, NULL},
    {STD, "| 65–69 | 13–18 | 11–16 |", "chair-stand-30s", "{\"stands\": 11}", 0, "female", 67, NA,
     NA, NULL, 11, 0, NULL, NULL, "within"},
    {STD, "| 65–69 | 13–18 | 11–16 |", "chair-stand-30s", "{\"stands\": 12}", 0, "male", 66, NA, NA,
     NULL, 12, 0, NULL, NULL, "below"},
    {STD, "Below the range = \"below average\"; above = \"above average\".", "chair-stand-30s",
     "{\"stands\": 17}", 0, "female", 65, NA, NA, NULL, 17, 0, NULL, NULL, "above"},
    {STD, "low grip **<27 kg men, <16 kg women**", "grip", "{\"kg\": 26.9}", 0, "male", NA, NA, NA,
     NULL, 26.9, 0, NULL, NULL, "low"},
    {STD, "low grip **<28 kg men, <18 kg women**", "grip", "{\"kg\": 27.5}", "zh", "male", NA, NA,
     NA, NULL, 27.5, 0, NULL, NULL, "low"},
    {STD, "low grip **<28 kg men, <18 kg women**", "grip", "{\"kg\": 18}", "zh", "female", NA, NA,
     NA, NULL, 18, 0, NULL, NULL, "normal"},
    {STD, "China (WGOC): overweight ≥24.0, obese ≥28.0", "bmi", "{}", "zh", 0, NA, 200, 96, NULL,
     24, 1e-12, NULL, NULL, "overweight"},
    {STD, "global **>5 = poor sleeper**", "psqi", "G2", 0, 0, NA, NA, NA, NULL, 11, 0, NULL,
     "buysse1989", "poor_sleeper"},
    {STD,
     "items 9–10 scored 0, 2, 4 (no / yes but not in the last year / yes during the last "
     "year)",
     "audit", "{\"items\": [0,0,0,0,0,0,0,0,\"yes_not_in_last_year\",\"yes_during_last_year\"]}", 0,
     0, NA, NA, NA, NULL, 6, 0, NULL, NULL, "zone_i"},
    {STD, "0–4 minimal, 5–9 mild, 10–14 moderate, 15–19 moderately severe, 20–27 severe", "phq9",
     "{\"items\": [3,3,3,3,3,3,1,0,0]}", 0, 0, NA, NA, NA, NULL, 19, 0, NULL, NULL,
     "moderately_severe"},
    {STD, "0–20 total, 21–60 severe, 61–90 moderate, 91–99 slight dependency, 100 independent",
     "barthel",
     "{\"feeding\":10,\"bathing\":5,\"grooming\":5,\"dressing\":10,\"bowels\":10,\"bladder\":10,"
     "\"toilet_use\":10,\"transfers\":15,\"mobility\":10,\"stairs\":10}",
     0, 0, NA, NA, NA, NULL, 95, 0, "95", NULL, "slight"},
    {STD, "Depression 0–9 normal, 10–13 mild, 14–20 moderate, 21–27 severe, ≥28 extremely severe",
     "dass21", "{\"items\": [0,0,3,0,3,0,0,0,0,3,0,0,3,0,0,0,0,0,0,0,2]}", 0, 0, NA, NA, NA,
     "depression", 28, 0, NULL, NULL, "extremely_severe"},
    /* ---- evidence-sud-rtms.md ---- */
    {SUD, "raw 20–80; index = raw × 1.25", "zung-sds",
     "{\"items\": [2,3,2,2,3,3,2,2,2,2,3,3,2,3,2,3,3,3,2,3]}", 0, 0, NA, NA, NA, "raw", 40, 0, NULL,
     NULL, NULL},
    {SUD, "Zung: raw 40 / index 50", "zung-sds",
     "{\"items\": [2,3,2,2,3,3,2,2,2,2,3,3,2,3,2,3,3,3,2,3]}", 0, 0, NA, NA, NA, NULL, 50, 0,
     "50.00", NULL, "at_or_above_cutoff"},
    {SUD, "Zung: raw 36 / index 45", "zung-sas",
     "{\"items\": [2,2,2,2,3,1,1,2,3,2,2,2,3,2,2,2,3,1,3,1]}", 0, 0, NA, NA, NA, NULL, 45, 0,
     "45.00", NULL, "at_or_above_cutoff"},
    {SUD, "standard score ≥ 50 abnormal — 50–59 mild, 60–69 moderate, ≥ 70 severe", "zung-sas",
     "{\"items\": [2,2,2,2,3,1,1,2,3,2,2,2,3,2,2,2,3,1,3,1]}", "zh", 0, NA, NA, NA, NULL, 45, 0,
     NULL, NULL, "normal"},
};

static const char *named_answers(const char *key)
{
    if (strcmp(key, "G2") == 0)
        return "{\"bed_time\": \"23:00\", \"wake_time\": \"06:30\", \"latency_min\": 45, "
               "\"sleep_hours\": 5.5, \"q5a\": \"once_or_twice_a_week\", \"q5b\": 1, \"q5c\": 2, "
               "\"q5d\": 1, \"q5e\": 1, \"q5f\": 2, \"q5g\": 1, \"q5h\": 1, \"q5i\": 1, \"q5j\": "
               "1, "
               "\"q6\": \"fairly_bad\", \"q7\": \"not_during_past_month\", \"q8\": 1, \"q9\": 1}";
    if (strcmp(key, "P1-DN4") == 0)
        return "{\"burning\": true, \"painful_cold\": true, \"electric_shocks\": false, "
               "\"tingling\": true, \"pins_and_needles\": false, \"numbness\": true, \"itching\": "
               "false, \"hypoaesthesia_touch\": true, \"hypoaesthesia_pinprick\": true, "
               "\"brushing\": true}";
    if (strcmp(key, "P2-DN4") == 0)
        return "{\"burning\": false, \"painful_cold\": false, \"electric_shocks\": false, "
               "\"tingling\": false, \"pins_and_needles\": false, \"numbness\": true, \"itching\": "
               "false, \"hypoaesthesia_touch\": false, \"hypoaesthesia_pinprick\": false, "
               "\"brushing\": false}";
    if (strcmp(key, "P3-DN4") == 0)
        return "{\"burning\": true, \"painful_cold\": false, \"electric_shocks\": false, "
               "\"tingling\": true, \"pins_and_needles\": true, \"numbness\": false, \"itching\": "
               "false, \"hypoaesthesia_touch\": false, \"hypoaesthesia_pinprick\": false, "
               "\"brushing\": true}";
    if (strcmp(key, "P1-BPI") == 0)
        return "{\"worst\": 8, \"least\": 3, \"average\": 6, \"now\": 5, \"general_activity\": 6, "
               "\"mood\": 5, \"walking\": 4, \"work\": 5, \"relations\": 3, \"sleep\": 7, "
               "\"enjoyment\": 5}";
    if (strcmp(key, "P2-BPI") == 0)
        return "{\"worst\": 8, \"least\": 3, \"average\": 6, \"now\": 7, \"general_activity\": 7, "
               "\"mood\": 6, \"walking\": 3, \"work\": 6, \"relations\": 4, \"sleep\": 6, "
               "\"enjoyment\": 5}";
    return key;
}

static rh_score_result *score(const golden *g)
{
    const char *text = named_answers(g->answers);
    rh_json *j = NULL;
    rh_err err;
    rh_err_init(&err);
    if (rh_json_parse(text, strlen(text), "golden", &j, &err) != RH_OK)
        fail_msg("%s: %s", g->id, err.msg);
    rh_score_opts o;
    rh_score_opts_init(&o);
    if (g->locale)
        o.locale = g->locale;
    o.sex = g->sex;
    o.age_y = g->age;
    o.height_cm = g->height;
    o.weight_kg = g->weight;
    rh_jx jx;
    rh_jx_init(&jx, "golden", &err);
    rh_score_result *r = NULL;
    if (rh_score_run(cat, g->id, j, &jx, &o, &r) != RH_OK)
        fail_msg("%s %s: %s at %s", g->id, text, err.msg, err.field);
    rh_json_free(j);
    return r;
}

/* The band of `set` in the result's JSON (NULL when it has none). */
static char *band_in(const rh_score_result *r, const char *set)
{
    json_t *root = rh_test_score_json(r, cat);
    char *out = NULL;
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(root, "band_sets"), i, s)
    {
        if (strcmp(json_string_value(json_object_get(s, "id")), set) != 0)
            continue;
        json_t *band = json_object_get(s, "band");
        if (json_is_object(band))
            out = rh_strdup(json_string_value(json_object_get(band, "code")));
    }
    json_decref(root);
    return out;
}

static void worked_examples_from_the_notes(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        const golden *g = &cases[i];
        require_quote(g->note, g->quote);
        rh_score_result *r = score(g);
        if (!rh_score_result_scorable(r))
            fail_msg("%s (\"%s\"): not scorable", g->id, g->quote);
        double v = g->score ? rh_score_result_value(r, g->score) : rh_score_result_total(r);
        if (!isnan(g->value) && !(fabs(v - g->value) <= g->tol))
            fail_msg("%s (\"%s\"): %s = %.17g, the note says %.17g", g->id, g->quote,
                     g->score ? g->score : "total", v, g->value);
        if (g->display) {
            char disp[48];
            rh_score_format(v, 0, disp, sizeof(disp));
            const char *shown = disp;
            if (!g->score) {
                shown = rh_score_result_total_display(r);
            } else {
                /* The display of a non-total score, via the JSON contract. */
                json_t *root = rh_test_score_json(r, cat);
                size_t k;
                json_t *s;
                json_array_foreach(
                    json_object_get(root, "scores"), k,
                    s) if (strcmp(json_string_value(json_object_get(s, "id")), g->score) == 0)
                    snprintf(disp, sizeof(disp), "%s",
                             json_string_value(json_object_get(s, "display")));
                json_decref(root);
            }
            if (strcmp(shown, g->display) != 0)
                fail_msg("%s (\"%s\"): displayed '%s', expected '%s'", g->id, g->quote, shown,
                         g->display);
        }
        if (g->band) {
            char *got = NULL;
            if (g->band_set)
                got = band_in(r, g->band_set);
            else if (g->score)
                got = rh_strdup(rh_score_result_value_band_code(r, g->score)
                                    ? rh_score_result_value_band_code(r, g->score)
                                    : "(none)");
            else
                got = rh_strdup(rh_score_result_band_code(r) ? rh_score_result_band_code(r)
                                                             : "(none)");
            if (!got || strcmp(got, g->band) != 0)
                fail_msg("%s (\"%s\"): band %s, the note says %s", g->id, g->quote,
                         got ? got : "(none)", g->band);
            rh_free(got);
        }
        rh_score_result_destroy(r);
    }
}

static void vignette_flags_and_ordinal_codes(void **state)
{
    (void)state;
    /* G1: "item 9 = 0 (no alert)". */
    require_quote(VIG, "item 9 = 0 (no alert)");
    golden g1 = {
        VIG,  "",   "phq9", "{\"items\": [2,2,1,2,1,1,1,0,0]}", 0, 0, NA, NA, NA, NULL, NA, 0,
        NULL, NULL, NULL};
    rh_score_result *r = score(&g1);
    assert_int_equal(rh_score_result_flag_count(r), 0);
    rh_score_result_destroy(r);
    /* exercise-standards.md 5.1: "item 9 ≥1 → immediate suicide-risk alert". */
    require_quote(STD, "item 9 ≥1 → immediate suicide-risk alert");
    golden alert = {
        STD,  "",   "phq9", "{\"items\": [0,0,0,0,0,0,0,0,1]}", 0, 0, NA, NA, NA, NULL, NA, 0,
        NULL, NULL, NULL};
    r = score(&alert);
    assert_int_equal(rh_score_result_flag_count(r), 1);
    assert_string_equal(rh_score_result_flag_at(r, 0)->id, "urgent_review");
    assert_string_equal(rh_score_result_flag_at(r, 0)->severity, "urgent");
    rh_score_result_destroy(r);
    /* G1 ASSIST: "ASSIST ATS SSIS = 3 + 4 + 5 + 6 + 6 + 6 = **30 → high risk (≥27)**". */
    require_quote(VIG, "ASSIST ATS SSIS = 3 + 4 + 5 + 6 + 6 + 6 = **30 → high risk (≥27)**");
    golden as = {VIG,
                 "",
                 "assist",
                 "{\"substances\": {\"ats\": {\"q1\": true, \"q2\": \"monthly\", \"q3\": "
                 "\"monthly\", \"q4\": \"monthly\", \"q5\": \"monthly\", \"q6\": "
                 "\"yes_past_3_months\", \"q7\": \"yes_past_3_months\"}}}",
                 0,
                 0,
                 NA,
                 NA,
                 NA,
                 NULL,
                 NA,
                 0,
                 NULL,
                 NULL,
                 NULL};
    r = score(&as);
    rh_facts *f = NULL;
    assert_int_equal(rh_facts_create(&f), RH_OK);
    assert_int_equal(rh_score_result_export_facts(r, f), RH_OK);
    assert_true(rh_facts_num(f, "score.assist.ats") == 30);
    assert_string_equal(rh_facts_str(f, "score.assist.ats.band"), "high");
    rh_score_result_destroy(r);
    /* P2: "MAS codes stored as "1+" and "1" (ordinal; not averaged)". */
    require_quote(VIG, "MAS codes stored as \"1+\" and \"1\" (ordinal; not averaged)");
    golden mas = {VIG,
                  "",
                  "mas",
                  "{\"muscle_groups\": {\"shoulder_adductors_right\": \"1+\", "
                  "\"elbow_flexors_right\": \"1\"}}",
                  0,
                  0,
                  NA,
                  NA,
                  NA,
                  NULL,
                  NA,
                  0,
                  NULL,
                  NULL,
                  NULL};
    r = score(&mas);
    assert_int_equal(rh_score_result_export_facts(r, f), RH_OK);
    assert_string_equal(rh_facts_str(f, "score.mas.shoulder_adductors_right"), "1+");
    assert_string_equal(rh_facts_str(f, "score.mas.elbow_flexors_right"), "1");
    assert_true(isnan(rh_score_result_total(r)));
    rh_score_result_destroy(r);
    rh_facts_destroy(f);
}

static void dass21_subscale_mapping_follows_the_note(void **state)
{
    (void)state;
    require_quote(STD, "**Depression** items 3, 5, 10, 13, 16, 17, 21; **Anxiety** 2, 4, 7, 9, 15, "
                       "19, 20; **Stress** 1, 6, 8, 11, 12, 14, 18");
    static const int dep[] = {3, 5, 10, 13, 16, 17, 21}, anx[] = {2, 4, 7, 9, 15, 19, 20},
                     str[] = {1, 6, 8, 11, 12, 14, 18};
    const int *sets[3] = {dep, anx, str};
    static const char *const names[3] = {"depression", "anxiety", "stress"};
    for (int s = 0; s < 3; s++) {
        for (int k = 0; k < 7; k++) {
            /* Only item sets[s][k] is answered 1: only that subscale moves (x2). */
            char json[128];
            size_t n = (size_t)snprintf(json, sizeof(json), "{\"items\": [");
            for (int i = 1; i <= 21; i++)
                n += (size_t)snprintf(json + n, sizeof(json) - n, "%s%d", i > 1 ? "," : "",
                                      i == sets[s][k]);
            snprintf(json + n, sizeof(json) - n, "]}");
            golden g = {STD, "", "dass21", json, 0, 0, NA, NA, NA, NULL, NA, 0, NULL, NULL, NULL};
            rh_score_result *r = score(&g);
            for (int t = 0; t < 3; t++)
                if (rh_score_result_value(r, names[t]) != (t == s ? 2 : 0))
                    fail_msg("DASS-21 item %d moved %s to %g", sets[s][k], names[t],
                             rh_score_result_value(r, names[t]));
            rh_score_result_destroy(r);
        }
    }
}

static void loinc_codes_are_the_notes_codes(void **state)
{
    (void)state;
    static const struct {
        const char *quote, *id, *code;
    } c[] = {{"PHQ-9 panel 44249-1 / total 44261-6", "phq9", "44261-6"},
             {"PHQ-2 55757-9 / 55758-7", "phq2", "55758-7"},
             {"GAD-7 69737-5 / 70274-6", "gad7", "70274-6"},
             {"DAST-10 82666-9 / 82667-7", "dast10", "82667-7"},
             {"AUDIT total 75624-7", "audit", "75624-7"},
             {"AUDIT-C 72109-2 / 75626-2", "audit-c", "75626-2"},
             {"pain NRS 72514-3", "pain-nrs", "72514-3"},
             {"BMI 39156-5", "bmi", "39156-5"},
             {"mRS **75859-9**", "mrs", "75859-9"}};
    for (size_t i = 0; i < sizeof(c) / sizeof(*c); i++) {
        require_quote(STD, c[i].quote);
        const char *answers = strcmp(c[i].id, "bmi") == 0
                                  ? "{\"weight_kg\": 70, \"height_cm\": 170}"
                              : strcmp(c[i].id, "pain-nrs") == 0 ? "{\"value\": 1}"
                              : strcmp(c[i].id, "mrs") == 0      ? "{\"grade\": 1}"
                              : strcmp(c[i].id, "phq2") == 0     ? "{\"items\": [0,0]}"
                              : strcmp(c[i].id, "audit-c") == 0  ? "{\"items\": [0,0,0]}"
                              : strcmp(c[i].id, "gad7") == 0     ? "{\"items\": [0,0,0,0,0,0,0]}"
                              : strcmp(c[i].id, "dast10") == 0
                                  ? "{\"items\": [false,false,true,false,false,false,false,false,"
                                    "false,false]}"
                              : strcmp(c[i].id, "audit") == 0 ? "{\"items\": [0,0,0,0,0,0,0,0,0,0]}"
                                                              : "{\"items\": [0,0,0,0,0,0,0,0,0]}";
        golden g = {STD, "", c[i].id, answers, 0, 0, NA, NA, NA, NULL, NA, 0, NULL, NULL, NULL};
        rh_score_result *r = score(&g);
        rh_buf b;
        rh_buf_init(&b, 0);
        rh_jw w;
        rh_jw_init(&w, &b, 0);
        rh_score_result_write_json(r, cat, &w);
        assert_int_equal(rh_jw_finish(&w), RH_OK);
        char want[64];
        snprintf(want, sizeof(want), "\"code\":\"%s\"", c[i].code);
        if (!strstr(b.data, want))
            fail_msg("%s does not carry LOINC %s", c[i].id, c[i].code);
        rh_buf_release(&b);
        rh_score_result_destroy(r);
    }
    /* "the previously noted 72196-9 is **not** the mRS code — do not use" */
    require_quote(STD, "the previously noted 72196-9 is **not** the mRS code");
    size_t len = 0;
    char *mrs = rh_test_slurp("data/instruments/mrs.json", &len);
    assert_non_null(mrs);
    assert_non_null(strstr(mrs, "75859-9"));
    assert_null(strstr(mrs, "\"code\": \"72196-9\""));
    rh_free(mrs);
}

int main(void)
{
    rh_test_require_shared("instrument scoring (worked examples in the notes)");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(worked_examples_from_the_notes),
        cmocka_unit_test(vignette_flags_and_ordinal_codes),
        cmocka_unit_test(dass21_subscale_mapping_follows_the_note),
        cmocka_unit_test(loinc_codes_are_the_notes_codes),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
