/* fuzz_results.c: libFuzzer harness for reading results files.
 *
 * Each input is a results file. The harness opens it with res_open (checksum trailer, then the
 * probe of res_probe.c, which reads the whole file in a child process and refuses it if HDF5
 * crashes or loops there, then HDF5 in this process) and reads in this process what the later
 * commands (merge, report) will read: the scenario text, the provenance and every dataset of every
 * group, with labels and attributes, through the public res.h API. Then it runs `dispsim info` on
 * the file (cli_info is linked in, with the shared helpers of cli_common.c that every command uses,
 * the real exit-code mapping among them; its stdout goes to /dev/null), which reads every label,
 * attribute and dataset info reads and prints the tables.
 * Inputs without a valid trailer reach HDF5 directly when they end where HDF5's data ends, which
 * the seed corpus provides (tests/fuzz/make_corpus.sh strips the trailer from some seeds). */
#include "fuzz_file.h"

#include <string.h>

#include "../../analysis/cli/cli.h"
#include "../../results/res.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (freopen("/dev/null", "w", stdout) == NULL)
        abort();
    return 0;
}

/* Reads every dataset of `group` (and its labels, units, dimension names) and frees it. */
static void read_group(struct res_file *f, const char *group)
{
    char **names = NULL;
    size_t n = 0;
    if (res_list(f, group, &names, &n) != SIM_OK)
        return;
    for (size_t i = 0; i < n; i++) {
        struct res_array a = {0};
        if (res_read(f, group, names[i], &a) == SIM_OK) {
            size_t len = 1;
            for (int k = 0; k < a.rank; k++)
                len *= a.shape[k];
            volatile double sum = 0; /* touch every value, so a short buffer shows */
            for (size_t j = 0; j < len; j++)
                sum += a.data[j];
            (void)sum;
            for (int k = 0; k < a.rank; k++) {
                char **labels = NULL;
                size_t nl = 0;
                if (a.dim_names[k] != NULL && res_read_labels(f, a.dim_names[k], &labels, &nl) == SIM_OK)
                    res_labels_free(labels, nl);
            }
        }
        res_array_free(&a);
    }
    res_labels_free(names, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write_file(data, size, ".h5");
    char err[1024];
    struct res_file *f = NULL;
    if (res_open(path, &f, err, sizeof err) != SIM_OK) {
        if (f != NULL || strstr(err, path) != err)
            abort(); /* a refusal must leave *out alone and say which file is wrong */
        return 0;    /* info would stop at the same refusal */
    }
    char *text = NULL;
    if (res_read_string(f, "scenario_text", &text) == SIM_OK)
        free(text);
    uint64_t v;
    (void)res_read_u64(f, "schema_version", &v);
    static const char *const groups[] = {"", "provenance", "daily", "totals"};
    for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++)
        read_group(f, groups[g]);
    res_close(f);

    char *info[] = {"info", (char *)path, NULL};
    cli_info(2, info);
    return 0;
}
