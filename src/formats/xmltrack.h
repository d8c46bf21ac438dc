/* SPDX-License-Identifier: MIT
 *
 * formats/xmltrack: TCX (Garmin Training Center) and GPX 1.0/1.1 readers on a
 * streaming XML parser (expat, namespace-aware, through rh_malloc so fault
 * injection reaches it). Entity declarations are refused and no external
 * entity is ever loaded, so a document cannot expand or reach the network.
 *
 * TCX: every Trackpoint under every Activity/Lap in document order (Time,
 * Position, AltitudeMeters, DistanceMeters, HeartRateBpm/Value, Cadence and
 * the ActivityExtension Speed/Watts), laps (StartTime, TotalTimeSeconds,
 * DistanceMeters, Average/MaximumHeartRateBpm), one session per Activity
 * (Sport attribute), Creator/Name as the device.
 * GPX: every trkpt (wpt and rtept are not track samples) with lat/lon, ele,
 * time and the heart rate of the first element named `hr` or `heartrate`
 * inside its extensions, matched on the local name whatever the namespace
 * (Garmin TrackPointExtension v1 and v2, cluetrust gpxdata seen), `cad`.
 *
 * Heart rates keep their decimals (181.330005375931 stays that). Times are
 * ISO 8601, converted to UTC; the first non-zero UTC offset seen becomes the
 * activity's local offset. A value that cannot be read (a coordinate "no")
 * is left absent and counted in rh_activity.warnings.
 */
#ifndef RH_FORMATS_XMLTRACK_H
#define RH_FORMATS_XMLTRACK_H

#include "base/err.h"
#include "signal/activity.h"

#include <stdbool.h>
#include <stddef.h>

/* True when the bytes look like the start of an XML document (optional BOM
 * and white space, then '<'). */
bool rh_xmltrack_sniff(const void *data, size_t len);

/* Reads a TCX or GPX document (decided by its root element) into `act`
 * (initialised by the caller; released on failure), then calls
 * rh_activity_finish. The _file variant streams `path` in 64 KiB chunks.
 * Fails with: E_IO, E_PARSE (malformed XML, with line and column),
 * E_INVALID (root element neither TrainingCenterDatabase nor gpx; entity
 * declarations), E_NOMEM, E_LIMIT. */
rh_status rh_xmltrack_read_file(const char *path, rh_activity *act, rh_err *err);
rh_status rh_xmltrack_read_mem(const void *data, size_t len, const char *name, rh_activity *act,
                               rh_err *err);

#endif
