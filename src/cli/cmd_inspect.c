/* medchaos inspect: print an envelope's clear header (no key needed; nothing
 * secret is shown). Since version 2 the metadata is sealed, and said to be. */
#include <stdio.h>
#include <stdlib.h>

#include "chaos/chaos.h"
#include "cli/cli.h"
#include "pipeline/envelope.h"
#include "util/file.h"

int cmd_inspect(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        puts("usage: medchaos inspect CIPHER.png.key\n\nPrints the envelope's clear header (docs/FORMAT.md §2); the metadata is sealed.");
        return 0;
    }
    if (argc != 2) return cli_usage_error("inspect", "expects one envelope file");
    unsigned char *buf;
    size_t len;
    mc_err e = mc_read_file(argv[1], (size_t)1 << 34, &buf, &len);
    if (e) return cli_fail(argv[1], e);
    envelope_header h;
    e = envelope_read_header(buf, len, &h);
    free(buf);
    if (e) return cli_fail(argv[1], e);
    static const char *const modes[] = {"full (xindex, yindex, zkey)", "compact (parameters only)"};
    static const char *const variants[] = {"paper", "hardened"};
    printf("envelope:   %s, version %u, %zu bytes\n", argv[1], h.version, len);
    printf("map:        %s\n", chaos_map_name((chaos_map)h.map));
    printf("key mode:   %s\n", modes[h.mode]);
    printf("variant:    %s\n", variants[h.variant]);
    printf("AES:        %d-bit key, RSA-OAEP-SHA-256 wrapped\n", h.aes_bytes * 8);
    printf("image:      %ux%u, %u channel%s, %u-bit\n", h.width, h.height, h.channels,
           h.channels > 1 ? "s" : "", h.depth);
    printf("model:      %s\nmodel hash: ", h.model);
    for (int i = 0; i < 32; i++) printf("%02x", h.model_sha256[i]);
    if (h.version == ENVELOPE_VERSION_V1)
        printf("\nmetadata:   %s (in the clear: version 1)\n", h.meta);
    else
        printf("\nmetadata:   sealed (date, time, DICOM UID and the file's chunks are encrypted with the key)\n");
    return 0;
}
