/* SPDX-License-Identifier: MIT */
#include "core/planzones.h"

#include "base/num.h"
#include "core/jsonx.h"

#include "base/buf.h"
#include "base/fileio.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/banned.h"

#define PLAN_MAX ((size_t)16 << 20)

static bool num(const json_t *v, double *out)
{
    if (!json_is_number(v))
        return false;
    *out = json_number_value(v);
    return isfinite(*out);
}

static bool pair(const json_t *arr, double *lo, double *hi)
{
    if (!json_is_array(arr) || json_array_size(arr) != 2)
        return false;
    return num(json_array_get(arr, 0), lo) && num(json_array_get(arr, 1), hi);
}

rh_status rh_planzones_parse(const char *text, size_t len, const char *name, rh_planzones *out,
                             rh_err *err)
{
    memset(out, 0, sizeof(*out));
    out->hr_max_bpm = out->hr_rest_bpm = out->age_y = RH_NAN;
    json_t *root = NULL;
    rh_status st = rh_json_parse(text, len, name, &root, err);
    if (st != RH_OK)
        return st;
    if (!json_is_object(root)) {
        st = RH_FAIL(err, RH_E_INVALID, "a plan is a JSON object");
        goto out;
    }
    double v;
    if (num(json_object_get(root, "hr_max_bpm"), &v))
        out->hr_max_bpm = v;
    if (num(json_object_get(root, "hr_rest_bpm"), &v))
        out->hr_rest_bpm = v;
    json_t *patient = json_object_get(root, "patient");
    if (json_is_object(patient)) {
        json_t *sex = json_object_get(patient, "sex");
        if (json_is_string(sex))
            snprintf(out->sex, sizeof(out->sex), "%s", json_string_value(sex));
        if (num(json_object_get(patient, "age_y"), &v))
            out->age_y = v;
    }
    json_t *comps = json_object_get(root, "components");
    if (!json_is_array(comps)) {
        st = RH_FAIL(err, RH_E_INVALID, "the plan has no \"components\" array");
        rh_err_at_field(err, "components");
        goto out;
    }
    size_t aerobic = 0, waiting = 0, reference = 0, without_hr = 0;
    for (size_t i = 0; i < json_array_size(comps); i++) {
        json_t *c = json_array_get(comps, i);
        const char *modality = json_string_value(json_object_get(c, "modality"));
        const char *status = json_string_value(json_object_get(c, "status"));
        if (!modality || strcmp(modality, "aerobic") != 0)
            continue;
        aerobic++;
        if (!status || strcmp(status, "active") != 0) {
            if (status && strcmp(status, "after_clearance") == 0)
                waiting++;
            else
                reference++;
            continue;
        }
        json_t *in = json_object_get(c, "intensity");
        double lo, hi;
        if (!json_is_object(in) || !pair(json_object_get(in, "hr_bpm"), &lo, &hi)) {
            without_hr++;
            continue;
        }
        if (lo > hi || lo < 20 || hi > 250) {
            st = RH_FAIL(err, RH_E_RANGE, "heart-rate range %g-%g bpm is not a valid zone", lo, hi);
            char field[64];
            snprintf(field, sizeof(field), "components[%zu].intensity.hr_bpm", i);
            rh_err_at_field(err, field);
            goto out;
        }
        if (out->nzones >= RH_PLANZONES_MAX)
            continue;
        rh_planzone *z = &out->zones[out->nzones++];
        z->component = i;
        z->lo_bpm = lo;
        z->hi_bpm = hi;
        const char *basis = json_string_value(json_object_get(in, "basis"));
        snprintf(z->basis, sizeof(z->basis), "%s", basis ? basis : "");
        if (!pair(json_object_get(in, "pct"), &z->pct_lo, &z->pct_hi))
            z->pct_lo = z->pct_hi = RH_NAN;
        if (!pair(json_object_get(in, "rpe"), &z->rpe_lo, &z->rpe_hi))
            z->rpe_lo = z->rpe_hi = RH_NAN;
    }
    if (out->nzones == 0) {
        st = RH_FAIL(err, RH_E_INVALID,
                     "the plan has no active aerobic component with a heart-rate range "
                     "(%zu aerobic: %zu after clearance, %zu reference only, %zu active without "
                     "hr_bpm)",
                     aerobic, waiting, reference, without_hr);
        goto out;
    }
out:
    if (st != RH_OK)
        rh_err_at(err, name, 0, 0);
    json_decref(root);
    return st;
}

rh_status rh_planzones_load(const char *path, rh_planzones *out, rh_err *err)
{
    rh_buf b;
    rh_buf_init(&b, PLAN_MAX);
    rh_status st = rh_file_read(path, PLAN_MAX, &b, err);
    if (st == RH_OK)
        st = rh_planzones_parse(rh_buf_cstr(&b), b.len, path, out, err);
    rh_buf_release(&b);
    return st;
}
