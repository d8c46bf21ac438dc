/* SPDX-License-Identifier: MIT
 *
 * formats/wfdb: PhysioNet WFDB records: the text header (.hea), signal files
 * (formats 212, 16, 61, 80, 160, 24, 32) and MIT-format annotation files
 * (read and write).
 *
 * Format sources: the WFDB Programmer's Guide / header(5), signal(5) and
 * annot(5) manual pages, and ../shared/data/mitdb/README.md. Written from
 * those descriptions; no WFDB code is used.
 *
 * A record path is the header path without ".hea" ("data/mitdb/101"); signal
 * files named in the header are looked up in the header's directory, and an
 * annotation file is "<record>.<annotator>". Multi-segment records, samples
 * per frame > 1 and skew are refused (E_UNSUPPORTED).
 *
 * Samples are read as frames, one int32 per signal (adu), interleaved
 * (frame f, signal s at [f * nsig + s]). The reader streams: memory is
 * bounded by the chunk the caller asks for. It verifies every signal's first
 * sample against the header's initial value and, when the whole record has
 * been read, the 16-bit checksum; a mismatch or a short file is E_CORRUPT with
 * the file name and byte offset.
 */
#ifndef RH_FORMATS_WFDB_H
#define RH_FORMATS_WFDB_H

#include "base/buf.h"
#include "base/err.h"
#include "signal/ec57.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RH_WFDB_MAX_SIGNALS      64
#define RH_WFDB_MAX_HEADER_BYTES ((size_t)1 << 20)
/* Annotation files larger than this are refused (about 60 M annotations). */
#define RH_WFDB_MAX_ANN_BYTES    ((size_t)256 << 20)
/* Value WFDB stores for a missing sample, per format, after decoding. */
#define RH_WFDB_INVALID_212      (-2048)

typedef struct rh_wfdb_signal {
    char file[256];       /* signal file name as written in the header */
    int format;           /* 212, 16, ... */
    int64_t byte_offset;  /* where the samples start in the file */
    double gain;          /* adu per physical unit; 200 when the header says 0 */
    bool uncalibrated;    /* header gain was 0 (or absent) */
    int baseline;         /* adu of physical zero */
    char units[24];       /* physical unit, "mV" by default */
    int adc_res;          /* bits, 0 if not given */
    int adc_zero;         /* adu */
    int init_value;       /* first sample, adu */
    bool has_init;        /* the header gave the initial value */
    int checksum;         /* 16-bit signed sum of all samples */
    bool has_checksum;    /* the header gave the checksum */
    int block_size;       /* 0 = not a block device */
    char description[96]; /* lead name etc., "" if none */
} rh_wfdb_signal;

typedef struct rh_wfdb_header {
    char record[96];    /* record name from the header */
    int nsig;           /* signals (0 for annotation-only records) */
    double fs_hz;       /* sampling frequency (per signal), 250 if absent */
    double counter_hz;  /* counter frequency, = fs_hz if absent */
    int64_t nsamples;   /* samples per signal, 0 if unknown */
    char base_time[24]; /* "hh:mm:ss" as written, "" if absent */
    char base_date[16]; /* "dd/mm/yyyy" as written, "" if absent */
    rh_wfdb_signal sig[RH_WFDB_MAX_SIGNALS];
    rh_buf info;    /* '#' comment lines, without '#', newline-separated */
    char path[512]; /* header file read ("" when parsed from memory) */
} rh_wfdb_header;

/* Reads "<record>.hea". `out` needs no initialisation; release it with
 * rh_wfdb_header_release. Fails with: E_IO, E_PARSE (err has file:line:col),
 * E_UNSUPPORTED (multi-segment, samples per frame, skew, unknown format),
 * E_RANGE, E_LIMIT, E_NOMEM. */
rh_status rh_wfdb_header_read(const char *record, rh_wfdb_header *out, rh_err *err);
/* Parses header text (len bytes, need not be NUL-terminated); `source` names
 * it in errors. Fails with: as rh_wfdb_header_read without E_IO. */
rh_status rh_wfdb_header_parse(const char *text, size_t len, const char *source,
                               rh_wfdb_header *out, rh_err *err);
void rh_wfdb_header_release(rh_wfdb_header *h);

/* Physical value of a sample (adu): (adu - baseline) / gain. */
double rh_wfdb_physical(const rh_wfdb_signal *s, int32_t adu);
/* Whether a decoded adu value is WFDB's "invalid sample" marker for the
 * signal's format. */
bool rh_wfdb_is_invalid(const rh_wfdb_signal *s, int32_t adu);

/* Streaming reader of a record's signal files. */
typedef struct rh_wfdb_reader rh_wfdb_reader;

/* Opens the signal files of `h` (borrowed; must outlive the reader); `dir` is
 * the directory the files are in ("" or NULL = current directory). Use
 * rh_wfdb_record_dir for the header's directory. Fails with: E_IO,
 * E_UNSUPPORTED (unknown format), E_INVALID (no signals), E_NOMEM. */
rh_status rh_wfdb_reader_open(const rh_wfdb_header *h, const char *dir, rh_wfdb_reader **out,
                              rh_err *err);
/* Opens a reader on in-memory signal data (one signal file group only, for
 * tests and fuzzing): all signals must be in the same file. The bytes are
 * borrowed. Fails with: E_UNSUPPORTED, E_INVALID, E_NOMEM. */
rh_status rh_wfdb_reader_open_mem(const rh_wfdb_header *h, const uint8_t *data, size_t len,
                                  rh_wfdb_reader **out, rh_err *err);
/* Decodes up to `cap` frames into frames[cap * nsig]; *got = 0 at the end of
 * the record. Checks the initial values on the first frame and the checksums
 * at the end. Fails with: E_IO, E_CORRUPT (short file, initial value or
 * checksum mismatch: err has file and byte offset). */
rh_status rh_wfdb_reader_read(rh_wfdb_reader *r, int32_t *frames, size_t cap, size_t *got,
                              rh_err *err);
/* Frames read so far. */
int64_t rh_wfdb_reader_frames(const rh_wfdb_reader *r);
/* Invalid-sample markers seen so far in signal `sig`. */
int64_t rh_wfdb_reader_invalid(const rh_wfdb_reader *r, int sig);
void rh_wfdb_reader_destroy(rh_wfdb_reader *r);

/* Directory part of a record path ("a/b/101" -> "a/b", "101" -> "."), written
 * into out (cap bytes). */
void rh_wfdb_record_dir(const char *record, char *out, size_t cap);

/* ---- annotations ---- */

/* MIT annotation codes used by the scoring (WFDB ecgcodes). */
enum rh_wfdb_code {
    RH_ANN_NOTQRS = 0,
    RH_ANN_NORMAL = 1,
    RH_ANN_PVC = 5,
    RH_ANN_NOISE = 14,
    RH_ANN_NOTE = 22,
    RH_ANN_RHYTHM = 28,
    RH_ANN_VFON = 32,
    RH_ANN_VFOFF = 33,
    RH_ANN_ACMAX = 49,
};

typedef struct rh_wfdb_ann {
    int64_t sample;   /* time, in samples of the record */
    uint8_t type;     /* 0..49 */
    int8_t subtype;   /* as WFDB stores it (signed char) */
    uint8_t chan;     /* signal the annotation refers to */
    int8_t num;       /* annotator-defined */
    uint32_t aux_off; /* offset of the aux text in rh_wfdb_annset.aux */
    uint16_t aux_len; /* 0 = no aux text */
} rh_wfdb_ann;

typedef struct rh_wfdb_annset {
    rh_wfdb_ann *a; /* owned, in file order */
    size_t n, cap;
    rh_buf aux; /* all aux strings, each NUL-terminated */
} rh_wfdb_annset;

void rh_wfdb_annset_init(rh_wfdb_annset *s);
void rh_wfdb_annset_release(rh_wfdb_annset *s);
/* Appends an annotation; aux may be NULL. Fails with: E_NOMEM, E_LIMIT,
 * E_RANGE (type > 49, aux longer than 255 bytes). */
rh_status rh_wfdb_annset_add(rh_wfdb_annset *s, int64_t sample, int type, int subtype, int chan,
                             int num, const char *aux, rh_err *err);
/* Aux text of annotation i ("" when none); borrowed. */
const char *rh_wfdb_ann_aux(const rh_wfdb_annset *s, size_t i);

/* Parses an MIT-format annotation file held in memory (`out` initialised,
 * replaced on success). Fails with: E_PARSE/E_CORRUPT (truncated or
 * malformed, err has the byte offset), E_LIMIT, E_NOMEM. */
rh_status rh_wfdb_ann_parse(const uint8_t *data, size_t len, const char *source,
                            rh_wfdb_annset *out, rh_err *err);
/* Reads the file at `path`. Fails with: E_IO, and as rh_wfdb_ann_parse. */
rh_status rh_wfdb_ann_read(const char *path, rh_wfdb_annset *out, rh_err *err);
/* Encodes annotations (must be in time order) in MIT format, appended to
 * `out`. Fails with: E_INVALID (out of order, negative time), E_NOMEM,
 * E_LIMIT. */
rh_status rh_wfdb_ann_encode(const rh_wfdb_annset *s, rh_buf *out, rh_err *err);
/* Encodes and writes atomically to `path`. Fails with: as above, E_IO. */
rh_status rh_wfdb_ann_write(const char *path, const rh_wfdb_annset *s, rh_err *err);

/* WFDB mnemonic of a code ("N", "V", "+", "[42]"...), never NULL. */
const char *rh_wfdb_ann_mnemonic(int type);
/* Code of a mnemonic, or -1 when unknown. */
int rh_wfdb_ann_code(const char *mnemonic);
/* Whether a code is a QRS (beat) annotation as WFDB's isqrs() defines it. */
bool rh_wfdb_ann_is_qrs(int type);

/* Reference beats for EC57 scoring: every QRS annotation (rh_wfdb_ann_is_qrs)
 * with its AAMI class as bxb maps it (N: N L R B; S: a J A S j e n; V: V r E;
 * F: F; Q: Q / f ?), and the ventricular flutter/fibrillation episodes to
 * exclude: '[' ... ']' pairs (an unmatched '[' runs to the end); when a file
 * has no such markers, rhythm episodes "(VF", "(VFL" and "(VFIB" up to the
 * next rhythm annotation instead. Arrays are rh_malloc'd (NULL when empty);
 * the caller frees them with rh_free. Fails with: E_NOMEM. */
rh_status rh_wfdb_ec57_reference(const rh_wfdb_annset *s, rh_ec57_ref **ref, size_t *nref,
                                 rh_ec57_span **spans, size_t *nspans, rh_err *err);
/* Times and one-letter labels of the QRS annotations of a set (all QRS
 * mnemonics are one character: 'N', 'V', 'L', '/'...), both rh_malloc'd
 * (NULL when there are none). Fails with: E_NOMEM. */
rh_status rh_wfdb_ann_qrs_labels(const rh_wfdb_annset *s, int64_t **t, char **labels, size_t *n,
                                 rh_err *err);
/* Times of the QRS annotations of a set (a test annotator's beats), rh_malloc'd
 * (NULL when there are none). Fails with: E_NOMEM. */
rh_status rh_wfdb_ann_qrs_times(const rh_wfdb_annset *s, int64_t **t, size_t *n, rh_err *err);

#endif
