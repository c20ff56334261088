/* Compiled fast path of hegui.text.normalize: fold a text with the packed table.
 *
 * fold() does what normalize()'s numpy fast path does for the text itself: each code point's
 * packed value (hegui.text.tables) is its folded character when it is below class_one, a
 * removed character (separator, ignorable) otherwise; NUL barriers are kept as NUL. It returns
 * the folded text, or None when a character folds to several (an
 * expansion: the numpy path handles those). One call instead of half a dozen numpy
 * operations, and on a gateway's short texts, woken from idle, numpy's cost per operation is
 * most of the time. The offset map and the rest are computed by the numpy path only when a
 * scan finds something (see Normalized).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>

static PyObject *fold(PyObject *self, PyObject *args) {
    PyObject *text;
    Py_buffer table, barriers = {0};
    unsigned long class_one, expands_at;
    PyObject *barrier_obj = Py_None;
    if (!PyArg_ParseTuple(args, "Uy*kk|O", &text, &table, &class_one, &expands_at,
                          &barrier_obj))
        return NULL;
    PyObject *result = NULL;
    uint32_t *out = NULL;
    if (barrier_obj != Py_None && PyObject_GetBuffer(barrier_obj, &barriers, PyBUF_SIMPLE) < 0)
        goto done;
    const uint32_t *packed = (const uint32_t *)table.buf;
    Py_ssize_t size = table.len / 4;
    const int64_t *stops = (const int64_t *)barriers.buf;
    Py_ssize_t n_stops = barriers.obj ? barriers.len / 8 : 0, next_stop = 0;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), kept = 0;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    out = PyMem_Malloc((size_t)(n ? n : 1) * sizeof(uint32_t));
    if (out == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        while (next_stop < n_stops && stops[next_stop] < i) /* out of range or repeated */
            next_stop++;
        if (next_stop < n_stops && stops[next_stop] == i) {
            next_stop++;
            out[kept++] = 0; /* a barrier: kept as NUL */
            continue;
        }
        if ((Py_ssize_t)ch >= size) {
            PyErr_SetString(PyExc_ValueError, "code point beyond the packed table");
            goto done;
        }
        uint32_t value = packed[ch];
        if (value >= expands_at) { /* expands to several characters: the numpy path */
            result = Py_NewRef(Py_None);
            goto done;
        }
        if (value < class_one)
            out[kept++] = value;
    }
    result = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, out, kept);
done:
    PyMem_Free(out);
    if (barriers.obj)
        PyBuffer_Release(&barriers);
    PyBuffer_Release(&table);
    return result;
}

static PyMethodDef methods[] = {
    {"fold", fold, METH_VARARGS,
     "fold(text, packed, class_one, expands_at, barriers=None)\n"
     "--\n\n"
     "The folded text, or None when a character expands to several. ``barriers``: sorted\n"
     "int64 positions kept as NUL."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "hegui.text._fold",
    "Compiled fast path of hegui.text.normalize (see hegui.text.normalize).", -1, methods,
};

PyMODINIT_FUNC PyInit__fold(void) { return PyModule_Create(&module); }
