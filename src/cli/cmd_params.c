/* medchaos params: the chaotic parameters the encryptor would use for an image. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "pipeline/keysrc.h"

static const char usage_text[] =
    "usage: medchaos params (--model M.safetensors | --teacher) [--map MAP] [--datetime D] FILE\n"
    "\n"
    "Prints the image's canonical metadata and the chaotic parameters derived from it, each as a\n"
    "decimal and as the exact IEEE-754 bit pattern (the values decryption would regenerate).\n";

int cmd_params(int argc, char **argv)
{
    enum { O_MODEL = 256, O_TEACHER, O_MAP, O_DATETIME, O_FILETIME };
    static const struct option opts[] = {{"model", required_argument, 0, O_MODEL},
                                         {"teacher", no_argument, 0, O_TEACHER},
                                         {"map", required_argument, 0, O_MAP},
                                         {"datetime", required_argument, 0, O_DATETIME},
                                         {"allow-file-time", no_argument, 0, O_FILETIME},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    keysrc_opts ko;
    memset(&ko, 0, sizeof ko);
    ko.map = CHAOS_LOGISTIC;
    int opt, map_given = 0;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (opt) {
        case O_MODEL: ko.model_path = optarg; break;
        case O_TEACHER: ko.teacher = 1; break;
        case O_MAP:
            if (chaos_map_parse(optarg, &ko.map)) return cli_usage_error("params", "unknown map '%s'", optarg);
            map_given = 1;
            break;
        case O_DATETIME: ko.datetime = optarg; break;
        case O_FILETIME: ko.allow_file_time = 1; break;
        case 'h': fputs(usage_text, stdout); return 0;
        default: return cli_usage_error("params", "bad option");
        }
    }
    if (!!ko.model_path + ko.teacher != 1 || optind != argc - 1)
        return cli_usage_error("params", "give --model or --teacher, and one image");
    keysrc ks;
    mc_err e;
    if (ko.model_path && !map_given) {
        /* The network knows its map: open once to learn it. */
        keysrc_opts probe = ko;
        for (int m = CHAOS_LOGISTIC; m <= CHAOS_LORENZ; m++) {
            probe.map = (chaos_map)m;
            if (!(e = keysrc_open(&ks, &probe))) break;
            if (e != MC_E_MISMATCH) return cli_fail(ko.model_path, e);
        }
        if (e) return cli_fail(ko.model_path, e);
    } else if ((e = keysrc_open(&ks, &ko))) {
        return cli_fail(ko.model_path, e);
    }
    chaos_params p;
    envelope_header h;
    memset(&h, 0, sizeof h);
    e = keysrc_params(&ks, argv[optind], &p, &h);
    keysrc_close(&ks);
    if (e) return cli_fail(argv[optind], e);
    static const char *const names[2][6] = {{"r", "x0"}, {"x0", "y0", "z0", "sigma", "rho", "beta"}};
    int n = p.map == CHAOS_LOGISTIC ? 2 : 6;
    printf("file:     %s\nmetadata: %s\nsource:   %s\nmap:      %s\n", argv[optind], h.meta, h.model,
           chaos_map_name(p.map));
    for (int i = 0; i < n; i++) printf("%-8s  %.17g  (%a)\n", names[p.map == CHAOS_LORENZ][i], p.v[i], p.v[i]);
    return 0;
}
