/* SPDX-License-Identifier: BSD-2-Clause */
/* gen_scalp: writes the synthetic scalp scene (tools/scene.c) and its mask.
 * The committed samples are `make samples`; SMP-truth scenes are for checks. */
#include "scene.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fputs("Usage: gen_scalp [--width PX] [--height PX] [--px-per-mm N] [--seed N]\n"
          "                 [--hair-density N] [--smp-density N --smp-dot MM --smp-dilution D]\n"
          "                 [--head BALD_MM] -o PHOTO --mask MASK [--force]\n"
          "Writes a synthetic scalp photo (stubble at N hairs/cm², default 120,\n"
          "around a bald patch with a thinning rim) and its treatment mask. With\n"
          "--smp-density the patch is surrounded by SMP dots of known density, size\n"
          "and dilution instead, drawn by the dot model (ground truth for matching).\n"
          "With --head, a whole head from above on a wall instead (152 x 195 mm, short\n"
          "dark hair, a bald crown BALD_MM wide), for the suggested mask.\n",
          f);
}

int main(int argc, char **argv)
{
    scalp_scene sc = {960, 720, 8, 7, 120, 0, 0.28, 0.3, 0.85};
    int force = 0;
    double head_mm = 0;
    const char *out = NULL, *mask_out = NULL;
    static const struct option opts[] = {
        {"width", required_argument, NULL, 'W'},    {"height", required_argument, NULL, 'H'},
        {"px-per-mm", required_argument, NULL, 'p'}, {"seed", required_argument, NULL, 's'},
        {"hair-density", required_argument, NULL, 'd'}, {"mask", required_argument, NULL, 'm'},
        {"smp-density", required_argument, NULL, 'D'}, {"smp-dot", required_argument, NULL, 'S'},
        {"smp-dilution", required_argument, NULL, 'P'}, {"force", no_argument, NULL, 'f'},
        {"head", required_argument, NULL, 'B'},      {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "o:fh", opts, NULL)) != -1) {
        switch (c) {
        case 'W': sc.width = atoi(optarg); break;
        case 'H': sc.height = atoi(optarg); break;
        case 'p': sc.px_per_mm = atof(optarg); break;
        case 's': sc.seed = strtoull(optarg, NULL, 10); break;
        case 'd': sc.hair_density = atof(optarg); break;
        case 'D': sc.smp_density = atof(optarg); break;
        case 'S': sc.smp_dot_mm = atof(optarg); break;
        case 'P': sc.smp_dilution = atof(optarg); break;
        case 'B': head_mm = atof(optarg); break;
        case 'm': mask_out = optarg; break;
        case 'o': out = optarg; break;
        case 'f': force = 1; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 1;
        }
    }
    if (!out || !mask_out || sc.width < 16 || sc.height < 16 || sc.width > 20000 || sc.height > 20000 ||
        sc.px_per_mm <= 0 || sc.hair_density < 0 || sc.smp_density < 0 || sc.smp_dot_mm <= 0 ||
        !(sc.smp_dilution >= 0 && sc.smp_dilution <= 1) || head_mm < 0 || head_mm > 150) {
        usage(stderr);
        return 1;
    }
    smp_image *photo = smp_image_new(), *mask = smp_image_new();
    smp_params *p = smp_params_new();
    int rc = 0;
    if (!photo || !mask || !p ||
        (head_mm > 0 ? head_scene_make(sc.width, sc.height, sc.px_per_mm, head_mm, sc.seed, photo, mask)
                     : scalp_scene_make(&sc, photo, mask)) != 0) {
        fprintf(stderr, "gen_scalp: out of memory\n");
        rc = 2;
        goto done;
    }
    smp_params_set_overwrite(p, force);
    smp_params_set_jpeg_quality(p, 90);
    if (smp_image_write_file(photo, out, p) != SMP_OK) {
        fprintf(stderr, "gen_scalp: %s: %s\n", out, smp_image_message(photo));
        rc = 3;
    } else if (smp_image_write_file(mask, mask_out, p) != SMP_OK) {
        fprintf(stderr, "gen_scalp: %s: %s\n", mask_out, smp_image_message(mask));
        rc = 3;
    }
done:
    smp_params_free(p);
    smp_image_free(mask);
    smp_image_free(photo);
    return rc;
}
