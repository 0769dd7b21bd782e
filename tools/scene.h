/* SPDX-License-Identifier: BSD-2-Clause */
/* The synthetic scalp scene: a photo and its mask with known ground truth,
 * made by tools/gen_scalp and by the tests. */
#ifndef SMP_SCENE_H
#define SMP_SCENE_H

#include "smpsim.h"

typedef struct scalp_scene {
    int width, height;       /* px */
    double px_per_mm;
    uint64_t seed;
    double hair_density;     /* stubble hairs per cm² around the patch */
    /* SMP-truth mode (smp_density > 0): instead of stubble, the area around
     * the patch carries SMP dots of this density, size, dilution and load,
     * drawn by the library's dot model (optics.h) under the skin's shine,
     * and the mask marks the undotted patch with a hard edge. */
    double smp_density;      /* dots per cm² */
    double smp_dot_mm;
    double smp_dilution;     /* carbon black diluted with water, 0..1 */
    double smp_load;         /* each dot's pigment load, 0..1 */
} scalp_scene;

/* Fills photo (RGB) and mask (grey) at the scene's size. 0 on success. */
int scalp_scene_make(const scalp_scene *sc, smp_image *photo, smp_image *mask);

/* A head seen from above against a plain background, for the scalp
 * analysis (suggest.c): an ellipse of 152 x 195 mm (an adult's breadth and
 * length) at the given scale, skin with short dark hair drawn as strokes,
 * and a bald crown (an ellipse of bald_mm x 1.2 bald_mm) with a thinning
 * rim of 8 mm; mask: white = bald, grey = the rim's missing hair. Fills
 * photo (RGB) and mask (grey). 0 on success. */
int head_scene_make(int width, int height, double px_per_mm, double bald_mm, uint64_t seed, smp_image *photo,
                    smp_image *mask);
/* The same head with the hair in a disc of radius patch_mm, 57 mm right
 * of the head's centre, blue-black (sRGB 18, 26, 58: a colour the class
 * rules place neither as skin nor as hair) and in strands three times as
 * thick, so that the cells there read neither skin nor hair. */
int head_patch_scene_make(int width, int height, double px_per_mm, double bald_mm, double patch_mm, uint64_t seed,
                          smp_image *photo, smp_image *mask);
/* The same with the disc's hair white and lit, lying flat in locks of
 * about 2.5 mm that cover four fifths of it (the skin bare between): a
 * neutral grey (sRGB 180, 179, 177, shaded as the skin: about 0.9 of its
 * luminance) without strands, as even as the skin at the cells' scale, so
 * that the cells there are of the grey hair's colour but too smooth for
 * its texture. */
int head_grey_patch_scene_make(int width, int height, double px_per_mm, double bald_mm, double patch_mm, uint64_t seed,
                               smp_image *photo, smp_image *mask);
/* The same head with a hairless face in front (toward the frame's bottom,
 * between the hair at the temples), cut by the frame's bottom edge as in a photo of the top
 * of a head taken from above and behind the brow; the mask is the crown's
 * alone (the face is not scalp). */
int head_face_scene_make(int width, int height, double px_per_mm, double bald_mm, uint64_t seed, smp_image *photo,
                         smp_image *mask);

/* A receded head seen from above and in front with its face toward the
 * frame's bottom edge, which cuts it below the eyes: hair in a fringe
 * 25 mm thick along the outline at the back and sides, ending at the
 * temples; bald scalp between the fringes down to the temple line (the
 * mask, white); below that line a forehead 50 mm high, brows and eyes,
 * which are not scalp. The height follows from the width and scale. */
int forehead_scene_make(int width, double px_per_mm, uint64_t seed, smp_image *photo, smp_image *mask);

/* The same with faint grey strands (as the thin crown's below) over the
 * bald scalp within 30 mm behind the temple line: a thin front, which the
 * mask treats in full as a designed hairline's zone. */
int forehead_thin_front_scene_make(int width, double px_per_mm, uint64_t seed, smp_image *photo, smp_image *mask);
/* The same receded head with two dense frontal tufts left in front of the
 * temples (25 mm wide, 15 mm deep, either side of a 10 mm bald channel),
 * ending 38 mm past the temple line: the hairline is there, and the
 * forehead 50 mm high below it. The mask adds the bald scalp between the
 * tufts' outer edges down to the hairline, the channel included. */
int forehead_tufts_scene_make(int width, double px_per_mm, uint64_t seed, smp_image *photo, smp_image *mask);
/* The same receded head with a forelock: hair over the middle 60 mm from
 * the back down to 25 mm short of the temple line, receded temples either
 * side of it, the forehead in front of it up to its front. The mask: the
 * bald scalp above the temple line beside the forelock (the receded
 * temples), not the skin in front of it. */
int forehead_forelock_scene_make(int width, double px_per_mm, uint64_t seed, smp_image *photo, smp_image *mask);
/* The same forelock with its left half reaching fall_mm further forward
 * (a lock fallen forward on one side): the hairline is designed level and
 * symmetric, halfway between the two halves' fronts. The mask: the
 * receded temples, and the bare skin in front of the right half up to
 * that line; not the fallen lock, nor the forehead in front of the line. */
int forehead_lock_scene_make(int width, double px_per_mm, double fall_mm, uint64_t seed, smp_image *photo,
                             smp_image *mask);
/* The receded head with the fringe fringe_mm wide (the others: 25 mm),
 * dark or grey (sRGB 125, 123, 120) when grey. */
int fringe_scene_make(int width, double px_per_mm, double fringe_mm, int grey, uint64_t seed, smp_image *photo,
                      smp_image *mask);
/* The same head seen from straight above with no face in the frame (its
 * front 15 mm inside the bottom edge): the fringe, ring_mm wide, runs
 * round it as a closed ring (Norwood 6-7 seen from above) and the bald
 * top inside it is the mask. */
int ring_scene_make(int width, double px_per_mm, double ring_mm, int grey, uint64_t seed, smp_image *photo,
                    smp_image *mask);

/* A head from above under long combed strands (10-20 mm, 120 per cm²,
 * overlapping so that full hair hides the scalp), thinning in a central
 * ellipse of 80 x 100 mm to the share thin of the strands; mask: the
 * ellipse at the share of hair missing (1 - thin), black elsewhere. */
int strands_scene_make(int width, int height, double px_per_mm, double thin, uint64_t seed, smp_image *photo,
                       smp_image *mask);
/* The same with four clumps inside the thinning, as wet or combed hair
 * gathers: discs of 5 mm radius 20 mm diagonally off the centre where
 * short strands (4-8 mm, 600 per cm²) hide the scalp; the mask is the
 * same: the clumps are the thinning's hair. */
int strands_clumps_scene_make(int width, int height, double px_per_mm, double thin, uint64_t seed, smp_image *photo,
                              smp_image *mask);

/* A bald head from above whose fringe reads as skin: sparse grey strands
 * over skin in the shade of the head's curve, 18 mm along the outline,
 * closed by the silhouette's dark shadow line (2.5 mm); mask: the bald top
 * inside the fringe, white. */
int rim_scene_make(int width, int height, double px_per_mm, uint64_t seed, smp_image *photo, smp_image *mask);
/* The same with a fringe fringe_mm wide whose shade reddens as it deepens
 * (warm: see scene.c; 0 and 18 mm give rim_scene_make's). */
int rim_warm_scene_make(int width, int height, double px_per_mm, uint64_t seed, double fringe_mm, double warm,
                        smp_image *photo, smp_image *mask);

/* A bald head from above whose fringe, 20 mm along the outline, is dark
 * hair but for the right side (within 75 degrees of the head's right-hand
 * axis), where it is white hair lit as brightly as the skin (sRGB 190,
 * 189, 187, shaded as the skin) and as smooth at the cells' scale, in
 * front of a pale pillow: the cells read it as neither skin nor hair, as
 * on topdown-1's right side. mask: the bald top inside the fringe, white. */
int lit_fringe_scene_make(int width, int height, double px_per_mm, uint64_t seed, smp_image *photo, smp_image *mask);

/* A bald head from above, its fringe THIN_FRINGE_MM along the outline
 * dark hair (150 per cm²), inside it the front half bald and the back half
 * a thin crown of grey strands lying across the skin (sRGB 205, 203, 200,
 * 3-6 mm, 40 per cm², each covering a third): too faint for the cells to
 * see as hair, as on topdown-1's crown. mask: the bald half white, the
 * thin half 180 (treated at reduced density), the fringe black. */
int thin_crown_scene_make(int width, int height, double px_per_mm, uint64_t seed, smp_image *photo, smp_image *mask);

/* A bald head from above, its fringe THIN_FRINGE_MM along the outline
 * dark hair (150 per cm²), the back half of the bald top in warm shade
 * (the skin darkened by SHADE_DEPTH from 20 mm behind the centre, unevenly
 * by SHADE_UNEVEN of that over a few millimetres, green falling as the
 * shade squared and blue as its cube, as it reddens in photos), the skin's
 * hue mottled by SKIN_HUE_MOTTLE everywhere: bare skin whose colour varies
 * more in shade, as on topdown-1's left side. mask:
 * the bald top inside the fringe, white. */
int shaded_crown_scene_make(int width, int height, double px_per_mm, uint64_t seed, smp_image *photo, smp_image *mask);

/* A frontal hairline seen from the front: short dark hair (250 per cm²,
 * 1-2 mm) above 0.35 of the height, a fifth of it from there to 0.65 of
 * the height (the receded front, the mask: a stripe across the frame),
 * bare forehead below: the band outside the mask holds hair above and
 * bare skin below. */
int frontal_hairline_scene_make(int width, int height, double px_per_mm, uint64_t seed, smp_image *photo,
                                smp_image *mask);

#endif
