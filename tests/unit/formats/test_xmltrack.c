/* SPDX-License-Identifier: MIT */
#include "rh_test.h"

#include "formats/xmltrack.h"

#include <math.h>
#include <string.h>

static rh_status rd(const char *text, rh_activity *a, rh_err *err)
{
    rh_activity_init(a, RH_ACTIVITY_TCX);
    rh_err_init(err);
    return rh_xmltrack_read_mem(text, strlen(text), "t.xml", a, err);
}

static const char *gpx =
    "<?xml version='1.0'?>\n"
    "<g:gpx xmlns:g='http://www.topografix.com/GPX/1/1' creator='unit'"
    " xmlns:a='http://www.garmin.com/xmlschemas/TrackPointExtension/v1'"
    " xmlns:b='http://www.garmin.com/xmlschemas/TrackPointExtension/v2'"
    " xmlns:c='http://www.cluetrust.com/XML/GPXDATA/1/0'>\n"
    "<g:wpt lat='1' lon='2'><g:time>2020-01-01T00:00:00Z</g:time>"
    "<g:extensions><c:hr>99</c:hr></g:extensions></g:wpt>\n"
    "<g:trk><g:trkseg>\n"
    "<g:trkpt lat='47.5' lon='8.25'><g:ele>400</g:ele><g:time>2020-01-01T01:00:00+01:00</g:time>"
    "<g:extensions><a:TrackPointExtension><a:hr>120</a:hr><a:cad>80</a:cad>"
    "</a:TrackPointExtension></g:extensions></g:trkpt>\n"
    "<g:trkpt lat='x' lon='8.25'><g:time>2020-01-01T00:00:01.250Z</g:time>"
    "<g:extensions><b:TrackPointExtension><b:hr>121</b:hr></b:TrackPointExtension>"
    "</g:extensions></g:trkpt>\n"
    "<g:trkpt lat='47.5' lon='8.25'><g:time>2020-01-01T00:00:02Z</g:time>"
    "<g:extensions><c:hr>181.330005375931</c:hr></g:extensions></g:trkpt>\n"
    "<g:trkpt><g:time>2020-01-01T00:00:03Z</g:time></g:trkpt>\n"
    "</g:trkseg></g:trk></g:gpx>\n";

static void gpx_namespaces_by_uri_fractional_hr_and_waypoints_ignored(void **state)
{
    (void)state;
    rh_activity a;
    rh_err err;
    assert_int_equal(rd(gpx, &a, &err), RH_OK);
    assert_int_equal(a.format, RH_ACTIVITY_GPX);
    assert_int_equal(a.npoints, 4);
    assert_int_equal(a.points[0].t_ms, 1577836800000); /* +01:00 converted to UTC */
    assert_true(a.has_local_offset && a.local_offset_s == 3600);
    assert_true(a.points[0].hr_bpm == 120.0);
    assert_true(a.points[1].hr_bpm == 121.0);
    assert_int_equal(a.points[1].t_ms, 1577836801250);
    assert_true(a.points[2].hr_bpm == 181.330005375931);
    assert_true(isnan(a.points[3].hr_bpm));
    assert_true(rh_activity_col_get(&a, 0, RH_COL_ALTITUDE_M) == 400.0);
    assert_true(rh_activity_col_get(&a, 0, RH_COL_CADENCE_RPM) == 80.0);
    assert_true(isnan(rh_activity_col_get(&a, 1, RH_COL_LAT_DEG)));
    assert_int_equal(a.warnings, 1); /* lat 'x' */
    assert_string_equal(a.devices[0].name, "unit");
    rh_activity_release(&a);
}

static void tcx_laps_activities_and_trackpoints(void **state)
{
    (void)state;
    const char *tcx =
        "<TrainingCenterDatabase "
        "xmlns='http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2'>"
        "<Activities><Activity Sport='Running'><Id>2020-01-01T00:00:00Z</Id>"
        "<Lap StartTime='2020-01-01T00:00:00Z'><TotalTimeSeconds>60.5</TotalTimeSeconds>"
        "<DistanceMeters>200</DistanceMeters>"
        "<AverageHeartRateBpm><Value>130</Value></AverageHeartRateBpm>"
        "<MaximumHeartRateBpm><Value>140</Value></MaximumHeartRateBpm>"
        "<Track><Trackpoint><Time>2020-01-01T00:00:01Z</Time>"
        "<HeartRateBpm><Value> 131 </Value></HeartRateBpm></Trackpoint>"
        "<Trackpoint><Time>2020-01-01T00:00:02Z</Time></Trackpoint></Track></Lap>"
        "<Creator><Name>Forerunner</Name></Creator></Activity>"
        "<Activity Sport='Other'><Lap StartTime='2020-01-02T00:00:00Z'><Track><Trackpoint>"
        "<Time>2020-01-02T00:00:00Z</Time><HeartRateBpm><Value>100</Value></HeartRateBpm>"
        "</Trackpoint></Track></Lap></Activity></Activities></TrainingCenterDatabase>";
    rh_activity a;
    rh_err err;
    assert_int_equal(rd(tcx, &a, &err), RH_OK);
    assert_int_equal(a.format, RH_ACTIVITY_TCX);
    assert_int_equal(a.npoints, 3);
    assert_true(a.points[0].hr_bpm == 131.0);
    assert_true(isnan(a.points[1].hr_bpm));
    assert_int_equal(a.nlaps, 2);
    assert_true(a.laps[0].total_elapsed_s == 60.5 && a.laps[0].avg_hr_bpm == 130.0 &&
                a.laps[0].max_hr_bpm == 140.0 && a.laps[0].distance_m == 200.0);
    assert_int_equal(a.nsessions, 2);
    assert_string_equal(a.sessions[0].sport_name, "Running");
    assert_int_equal(a.sessions[0].sport, 1);
    assert_string_equal(a.sport_name, "multisport");
    assert_string_equal(a.devices[0].name, "Forerunner");
    rh_activity_release(&a);
}

static void entities_and_malformed_xml_are_refused(void **state)
{
    (void)state;
    rh_activity a;
    rh_err err;
    const char *bomb = "<?xml version='1.0'?><!DOCTYPE gpx [<!ENTITY a 'aaaaaaaaaa'>"
                       "<!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;'>]><gpx>&b;</gpx>";
    assert_int_equal(rd(bomb, &a, &err), RH_E_INVALID);
    assert_non_null(strstr(err.msg, "entity"));
    const char *ext = "<?xml version='1.0'?><!DOCTYPE gpx SYSTEM 'http://example.invalid/x.dtd'>"
                      "<gpx>&ext;</gpx>";
    assert_int_equal(rd(ext, &a, &err), RH_E_INVALID);
    assert_int_equal(rd("<gpx><trk></gpx>", &a, &err), RH_E_PARSE);
    assert_int_equal(err.line, 1);
    assert_true(err.column > 1);
    assert_int_equal(rd("<kml/>", &a, &err), RH_E_INVALID);
    assert_int_equal(rd("", &a, &err), RH_E_PARSE);
}

typedef struct fctx {
    const char *text;
} fctx;

static rh_status parse_once(void *ctx)
{
    fctx *c = ctx;
    rh_activity a;
    rh_err err;
    rh_status st = rd(c->text, &a, &err);
    rh_activity_release(&a);
    return st;
}

static void every_failed_allocation_is_reported_and_leaks_nothing(void **state)
{
    (void)state;
    fctx c = {gpx};
    assert_true(rh_test_fault_loop(parse_once, &c) > 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gpx_namespaces_by_uri_fractional_hr_and_waypoints_ignored),
        cmocka_unit_test(tcx_laps_activities_and_trackpoints),
        cmocka_unit_test(entities_and_malformed_xml_are_refused),
        cmocka_unit_test(every_failed_allocation_is_reported_and_leaks_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
