/* Compiled scoring of hashed n-gram linear models (hegui.judges.linear).
 *
 * scores() computes, for each text's tokens, the dot product of its feature vector
 * (hegui.judges.features.featurise, without extras) with a model's weights: the same tokens'
 * CRC-32 codes, n-gram hashes, SplitMix64 finaliser, position marks, sublinear counts and unit
 * scaling, in one call instead of some thirty numpy operations. On the short texts of a
 * gateway numpy's cost per operation is most of the time, and far more on a CPU woken from
 * idle. The numpy implementation stays the reference: tests compare the two on random texts.
 * cjk_tokens(), fold() and cjk_fold_tokens() do the tokeniser's and normaliser's work for common
 * texts in one call (hegui.judges.features); the Python versions stay the reference.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static uint32_t crc_table[256];

static void crc_init(void) {
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
}

/* zlib.crc32(data): the standard CRC-32 */
static uint32_t crc32_bytes(const unsigned char *data, Py_ssize_t size) {
    uint32_t c = 0xFFFFFFFFu;
    for (Py_ssize_t i = 0; i < size; i++)
        c = crc_table[(c ^ data[i]) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

/* crc32 of one code point's UTF-8 bytes; -1 for a surrogate (not encodable) */
static int64_t crc32_char(Py_UCS4 ch) {
    unsigned char buf[4];
    Py_ssize_t n;
    if (ch < 0x80) {
        buf[0] = (unsigned char)ch;
        n = 1;
    } else if (ch < 0x800) {
        buf[0] = (unsigned char)(0xC0 | (ch >> 6));
        buf[1] = (unsigned char)(0x80 | (ch & 0x3F));
        n = 2;
    } else if (ch < 0x10000) {
        if (ch >= 0xD800 && ch <= 0xDFFF)
            return -1;
        buf[0] = (unsigned char)(0xE0 | (ch >> 12));
        buf[1] = (unsigned char)(0x80 | ((ch >> 6) & 0x3F));
        buf[2] = (unsigned char)(0x80 | (ch & 0x3F));
        n = 3;
    } else {
        buf[0] = (unsigned char)(0xF0 | (ch >> 18));
        buf[1] = (unsigned char)(0x80 | ((ch >> 12) & 0x3F));
        buf[2] = (unsigned char)(0x80 | ((ch >> 6) & 0x3F));
        buf[3] = (unsigned char)(0x80 | (ch & 0x3F));
        n = 4;
    }
    return crc32_bytes(buf, n);
}

static inline uint64_t mix64(uint64_t x) {
    x ^= x >> 30;
    x *= 0xBF58476D1CE4E5B9ull;
    x ^= x >> 27;
    x *= 0x94D049BB133111EBull;
    x ^= x >> 31;
    return x;
}

typedef struct {
    uint64_t mult[65]; /* mult[j] for j <= max_n: an n-gram's hash is sum code*mult[j] + mult[n] */
    uint64_t head_mark;
    Py_ssize_t min_n, max_n, head, bits, columns, slots, rows;
    const int32_t *index; /* bucket -> 1 + weight row (0: none); slots entries, the last empty */
    const double *weights; /* rows of `columns` weights, row 0 all zero */
} Model;

/* The token codes of one text (a str: one token per character; a list of str tokens). */
static Py_ssize_t token_codes(PyObject *tokens, uint64_t **codes, Py_ssize_t *capacity) {
    Py_ssize_t size;
    int is_str = PyUnicode_Check(tokens);
    if (is_str)
        size = PyUnicode_GET_LENGTH(tokens);
    else if (PyList_Check(tokens))
        size = PyList_GET_SIZE(tokens);
    else {
        PyErr_SetString(PyExc_TypeError, "tokens must be a str or a list of str");
        return -1;
    }
    if (size > *capacity) {
        uint64_t *grown = PyMem_Realloc(*codes, (size_t)size * sizeof(uint64_t));
        if (grown == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        *codes = grown;
        *capacity = size;
    }
    if (is_str) {
        int kind = PyUnicode_KIND(tokens);
        const void *data = PyUnicode_DATA(tokens);
        for (Py_ssize_t i = 0; i < size; i++) {
            int64_t code = crc32_char(PyUnicode_READ(kind, data, i));
            if (code < 0) {
                PyErr_SetString(PyExc_ValueError, "a token holds a surrogate character");
                return -1;
            }
            (*codes)[i] = (uint64_t)code;
        }
        return size;
    }
    for (Py_ssize_t i = 0; i < size; i++) {
        PyObject *token = PyList_GET_ITEM(tokens, i);
        Py_ssize_t length;
        const char *utf8;
        if (!PyUnicode_Check(token)) {
            PyErr_SetString(PyExc_TypeError, "tokens must be a str or a list of str");
            return -1;
        }
        utf8 = PyUnicode_AsUTF8AndSize(token, &length);
        if (utf8 == NULL)
            return -1;
        (*codes)[i] = crc32_bytes((const unsigned char *)utf8, length);
    }
    return size;
}

/* The hashes of all n-grams and position-marked copies (order irrelevant); their count. */
static Py_ssize_t ngram_hashes(const Model *m, const uint64_t *codes, Py_ssize_t size,
                               uint64_t *out) {
    Py_ssize_t count = 0;
    Py_ssize_t top = m->max_n < size ? m->max_n : size;
    for (Py_ssize_t i = 0; i < size; i++) {
        uint64_t sum = 0;
        for (Py_ssize_t n = 1; n <= top && i + n <= size; n++) {
            sum += codes[i + n - 1] * m->mult[n - 1];
            if (n < m->min_n)
                continue;
            uint64_t raw = sum + m->mult[n];
            out[count++] = mix64(raw);
            if (i < m->head - n + 1)
                out[count++] = mix64(raw ^ m->head_mark);
        }
    }
    return count;
}

/* The weights' dot product with the text's unit-scaled sublinear counts, per column. The
 * distinct hashes are counted in an open-addressing table (`slots` and `counts`, 2^shift
 * entries, at least twice the hashes): no sort, and log() only for repeats. -1 (ValueError set)
 * when the index names a row beyond the weights. */
static int dot(const Model *m, const uint64_t *hashes, Py_ssize_t count, uint64_t *slots,
                uint32_t *counts, unsigned shift, double *z) {
    for (Py_ssize_t c = 0; c < m->columns; c++)
        z[c] = 0.0;
    if (count == 0)
        return 0;
    size_t size = (size_t)1 << shift, mask = size - 1;
    memset(counts, 0, size * sizeof(uint32_t));
    for (Py_ssize_t i = 0; i < count; i++) {
        uint64_t h = hashes[i];
        size_t at = (size_t)(h >> (64 - shift));
        while (counts[at] && slots[at] != h)
            at = (at + 1) & mask;
        slots[at] = h;
        counts[at]++;
    }
    double norm2 = 0.0;
    for (size_t at = 0; at < size; at++) {
        if (counts[at] > 1) {
            double value = 1.0 + log((double)counts[at]);
            norm2 += value * value;
        } else if (counts[at]) {
            norm2 += 1.0;
        }
    }
    double scale = 1.0 / sqrt(norm2);
    unsigned to_bucket = (unsigned)(64 - m->bits);
    for (size_t at = 0; at < size; at++) {
        if (!counts[at])
            continue;
        uint64_t bucket = slots[at] >> to_bucket;
        Py_ssize_t slot = bucket < (uint64_t)m->slots ? (Py_ssize_t)bucket : m->slots - 1;
        int32_t row = m->index[slot];
        if (row >= m->rows) {
            PyErr_SetString(PyExc_ValueError, "the bucket index names a row beyond the weights");
            return -1;
        }
        if (row > 0) {
            double value = (counts[at] > 1 ? 1.0 + log((double)counts[at]) : 1.0) * scale;
            const double *w = m->weights + (Py_ssize_t)row * m->columns;
            for (Py_ssize_t c = 0; c < m->columns; c++)
                z[c] += value * w[c];
        }
    }
    return 0;
}

static PyObject *scores(PyObject *self, PyObject *args) {
    PyObject *texts, *mults;
    unsigned long long head_mark;
    Py_buffer index = {0}, weights = {0};
    Model m;
    if (!PyArg_ParseTuple(args, "OOKnnnnny*y*", &texts, &mults, &head_mark, &m.min_n, &m.max_n,
                          &m.head, &m.bits, &m.columns, &index, &weights))
        return NULL;
    PyObject *result = NULL, *seq = NULL;
    uint64_t *codes = NULL, *hashes = NULL, *slots = NULL;
    uint32_t *counts = NULL;
    double *z = NULL;
    Py_ssize_t codes_cap = 0, hashes_cap = 0, table_cap = 0;
    m.head_mark = head_mark;
    m.index = index.buf;
    m.weights = weights.buf;
    m.slots = index.len / (Py_ssize_t)sizeof(int32_t);
    m.rows = m.columns > 0 ? weights.len / ((Py_ssize_t)sizeof(double) * m.columns) : 0;
    if (m.max_n < 1 || m.max_n > 63 || m.min_n < 1 || m.bits < 1 || m.bits > 32 ||
        m.columns < 1 || m.slots < 1 || m.head < 0) {
        PyErr_SetString(PyExc_ValueError, "invalid feature spec or weight table");
        goto done;
    }
    if (!PyTuple_Check(mults) || PyTuple_GET_SIZE(mults) != m.max_n + 1) {
        PyErr_SetString(PyExc_ValueError, "mults must be a tuple of max_n + 1 ints");
        goto done;
    }
    for (Py_ssize_t j = 0; j <= m.max_n; j++) {
        m.mult[j] = PyLong_AsUnsignedLongLongMask(PyTuple_GET_ITEM(mults, j));
        if (PyErr_Occurred())
            goto done;
    }
    seq = PySequence_Fast(texts, "texts must be a sequence");
    if (seq == NULL)
        goto done;
    Py_ssize_t n_texts = PySequence_Fast_GET_SIZE(seq);
    z = PyMem_Malloc((size_t)m.columns * sizeof(double));
    result = PyList_New(n_texts * m.columns);
    if (z == NULL || result == NULL) {
        if (z == NULL)
            PyErr_NoMemory();
        Py_CLEAR(result);
        goto done;
    }
    for (Py_ssize_t t = 0; t < n_texts; t++) {
        Py_ssize_t size = token_codes(PySequence_Fast_GET_ITEM(seq, t), &codes, &codes_cap);
        if (size < 0) {
            Py_CLEAR(result);
            goto done;
        }
        Py_ssize_t need = 2 * size * m.max_n;
        if (need > hashes_cap) {
            uint64_t *grown = PyMem_Realloc(hashes, (size_t)need * sizeof(uint64_t));
            if (grown == NULL) {
                PyErr_NoMemory();
                Py_CLEAR(result);
                goto done;
            }
            hashes = grown;
            hashes_cap = need;
        }
        Py_ssize_t count = ngram_hashes(&m, codes, size, hashes);
        unsigned shift = 4;
        while (((Py_ssize_t)1 << shift) < 2 * count)
            shift++;
        if (((Py_ssize_t)1 << shift) > table_cap) {
            table_cap = (Py_ssize_t)1 << shift;
            PyMem_Free(slots);
            PyMem_Free(counts);
            slots = PyMem_Malloc((size_t)table_cap * sizeof(uint64_t));
            counts = PyMem_Malloc((size_t)table_cap * sizeof(uint32_t));
            if (slots == NULL || counts == NULL) {
                PyErr_NoMemory();
                Py_CLEAR(result);
                goto done;
            }
        }
        if (dot(&m, hashes, count, slots, counts, shift, z) < 0) {
            Py_CLEAR(result);
            goto done;
        }
        for (Py_ssize_t c = 0; c < m.columns; c++) {
            PyObject *value = PyFloat_FromDouble(z[c]);
            if (value == NULL) {
                Py_CLEAR(result);
                goto done;
            }
            PyList_SET_ITEM(result, t * m.columns + c, value);
        }
    }
done:
    Py_XDECREF(seq);
    PyMem_Free(codes);
    PyMem_Free(hashes);
    PyMem_Free(slots);
    PyMem_Free(counts);
    PyMem_Free(z);
    PyBuffer_Release(&index);
    PyBuffer_Release(&weights);
    return result;
}

/* cjk_tokens(text): the tokens of a folded text of CJK characters and marks only, as one string
 * (hegui.judges.features._tokens): every character but white space and word characters other
 * than CJK ideographs, which is what its regex (_RUNS) keeps. White space and word characters
 * are the re module's \s and \w: Py_UNICODE_ISSPACE, and Py_UNICODE_ISALNUM or '_'. */
static inline int is_cjk_token(Py_UCS4 ch) {
    int ideograph = (ch >= 0x3400 && ch <= 0x9FFF) || (ch >= 0xF900 && ch <= 0xFAFF);
    return ideograph || !(Py_UNICODE_ISSPACE(ch) || Py_UNICODE_ISALNUM(ch) || ch == '_');
}

static PyObject *cjk_tokens(PyObject *self, PyObject *arg) {
    if (!PyUnicode_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "cjk_tokens() takes a str");
        return NULL;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(arg), kept = 0;
    int kind = PyUnicode_KIND(arg);
    const void *data = PyUnicode_DATA(arg);
    Py_UCS4 *out = PyMem_Malloc((size_t)(n ? n : 1) * sizeof(Py_UCS4));
    if (out == NULL)
        return PyErr_NoMemory();
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        if (is_cjk_token(ch))
            out[kept++] = ch;
    }
    PyObject *result = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, out, kept);
    PyMem_Free(out);
    return result;
}

/* The characters of `text` mapped through a fold table (see fold()), runs of ' ' and '\t' as one
 * space, into `out` (room for every character): their count, or -1 when a character is not in
 * the table, or (with `stop_at_word`) when one folds to a-z, 0-9 or '['. */
static Py_ssize_t fold_chars(PyObject *text, const uint16_t *map, Py_UCS4 *out, int stop_at_word) {
    Py_ssize_t size = PyUnicode_GET_LENGTH(text), n = 0;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    int blank = 0; /* the last character written was a collapsed run of blanks */
    for (Py_ssize_t i = 0; i < size; i++) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        uint16_t to = ch <= 0xFFFF ? map[ch] : 0;
        if (to == 0)
            return -1;
        if (stop_at_word && ((to >= 'a' && to <= 'z') || (to >= '0' && to <= '9') || to == '['))
            return -1;
        if (to == ' ' || to == '\t') {
            if (!blank)
                out[n++] = ' ';
            blank = 1;
            continue;
        }
        blank = 0;
        out[n++] = to;
    }
    return n;
}

/* Parse (text, table), allocate `out` and fold into it (fold_chars): the count (free `out`), -1
 * when the text is not folded (`out` freed, no error set), -2 on an error (`out` freed). */
static Py_ssize_t fold_call(PyObject *args, int stop_at_word, Py_UCS4 **out) {
    PyObject *text;
    Py_buffer table = {0};
    if (!PyArg_ParseTuple(args, "Uy*", &text, &table))
        return -2;
    if (table.len != 0x10000 * (Py_ssize_t)sizeof(uint16_t)) {
        PyBuffer_Release(&table);
        PyErr_SetString(PyExc_ValueError, "the fold table must hold 65536 uint16 values");
        return -2;
    }
    Py_ssize_t size = PyUnicode_GET_LENGTH(text);
    *out = PyMem_Malloc((size_t)(size ? size : 1) * sizeof(Py_UCS4));
    if (*out == NULL) {
        PyBuffer_Release(&table);
        PyErr_NoMemory();
        return -2;
    }
    Py_ssize_t n = fold_chars(text, table.buf, *out, stop_at_word);
    PyBuffer_Release(&table);
    if (n < 0) {
        PyMem_Free(*out);
        *out = NULL;
    }
    return n;
}

/* fold(text, table): hegui.judges._text.normalise(text)[0] for a text of common characters, in
 * one pass; None when a character is not one of them (the caller normalises in Python).
 * `table` holds a uint16 per BMP code point: what NFKC, casefold and the translate table make of
 * it, or 0 when the compiled fold does not handle it (hegui.judges._text.fold_table says which).
 * Runs of ' ' and '\t' become one space and ' ' and '\n' are stripped at both ends, as in
 * normalise. */
static PyObject *fold(PyObject *self, PyObject *args) {
    Py_UCS4 *out = NULL;
    Py_ssize_t n = fold_call(args, 0, &out), start = 0;
    if (n < 0) {
        if (n == -2)
            return NULL;
        Py_RETURN_NONE;
    }
    while (start < n && (out[start] == ' ' || out[start] == '\n'))
        start++;
    while (n > start && (out[n - 1] == ' ' || out[n - 1] == '\n'))
        n--;
    PyObject *result = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, out + start, n - start);
    PyMem_Free(out);
    return result;
}

/* cjk_fold_tokens(text, table): cjk_tokens(fold(text, table)) when the folded text is of CJK
 * characters and marks only (not all ASCII, nothing folding to a-z, 0-9 or '['), as
 * hegui.judges.features._tokens tokenises it; None otherwise (and as soon as a character tells).
 * The blanks are not stripped: they are never tokens. */
static PyObject *cjk_fold_tokens(PyObject *self, PyObject *args) {
    Py_UCS4 *out = NULL;
    Py_ssize_t n = fold_call(args, 1, &out), kept = 0;
    if (n < 0) {
        if (n == -2)
            return NULL;
        Py_RETURN_NONE;
    }
    int wide = 0; /* a character beyond ASCII: the text is not tokenised as ASCII */
    for (Py_ssize_t i = 0; i < n; i++) {
        wide |= out[i] > 0x7F;
        if (is_cjk_token(out[i]))
            out[kept++] = out[i];
    }
    PyObject *result =
        wide ? PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, out, kept) : Py_NewRef(Py_None);
    PyMem_Free(out);
    return result;
}

static PyMethodDef methods[] = {
    {"scores", scores, METH_VARARGS,
     "scores(texts, mults, head_mark, min_n, max_n, head, bits, columns, index, weights)\n"
     "--\n\n"
     "Per text (a str of one-character tokens, or a list of tokens) the dot product of its\n"
     "feature vector with the weights, ``columns`` floats each, flattened."},
    {"cjk_tokens", cjk_tokens, METH_O,
     "cjk_tokens(text)\n"
     "--\n\n"
     "The tokens of a folded text of CJK characters and marks only, as one string."},
    {"fold", fold, METH_VARARGS,
     "fold(text, table)\n"
     "--\n\n"
     "normalise(text)[0] of a text of characters the table handles, else None."},
    {"cjk_fold_tokens", cjk_fold_tokens, METH_VARARGS,
     "cjk_fold_tokens(text, table)\n"
     "--\n\n"
     "cjk_tokens(fold(text, table)) when the folded text is of CJK characters and marks\n"
     "only, else None."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "hegui.judges._scoring",
    "Compiled scoring of hashed n-gram linear models (see hegui.judges.linear).", -1, methods,
};

PyMODINIT_FUNC PyInit__scoring(void) {
    crc_init();
    return PyModule_Create(&module);
}
