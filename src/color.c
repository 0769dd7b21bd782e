/* sRGB <-> linear light. */
#include "internal.h"

#include <math.h>

float smp__srgb_to_linear(uint8_t v)
{
    double s = v / 255.0;
    return (float)(s <= 0.04045 ? s / 12.92 : pow((s + 0.055) / 1.055, 2.4));
}

static double linear_to_srgb(double l)
{
    return l <= 0.0031308 ? 12.92 * l : 1.055 * pow(l, 1.0 / 2.4) - 0.055;
}

void smp__linear_to_srgb_table(uint8_t table[65536])
{
    for (int i = 0; i < 65536; i++)
        table[i] = (uint8_t)lrint(fmin(fmax(linear_to_srgb(i / 65535.0), 0.0), 1.0) * 255.0);
}
