/* DICOM pixel data ↔ img_image: the one mapping between what a DICOM file
 * stores (dicom/dicom.h: little-endian samples of BitsAllocated bits, frames
 * one after the other, colour interleaved or by plane) and the image the
 * cipher and the metrics see. Specification: docs/FORMAT.md §7.
 *  - frames are stacked top to bottom: height = Rows × NumberOfFrames;
 *  - BitsAllocated 8 or 16 gives depth 8 or 16, every stored bit kept (the
 *    bits above HighBit too), never rescaled;
 *  - SamplesPerPixel 3 gives 3 interleaved channels whatever the planar
 *    configuration; 1 gives one channel (a PALETTE COLOR index stays an index,
 *    MONOCHROME1 is not inverted);
 *  - signed samples (PixelRepresentation 1) have their top bit flipped (offset
 *    binary: −32768 → 0, 0 → 32768), so the image's order is the values' order
 *    and the metrics mean what they say; the inverse flips it back. */
#ifndef MC_IMAGE_DICOM_PIXELS_H
#define MC_IMAGE_DICOM_PIXELS_H
#include "dicom/dicom.h"
#include "image/image.h"

/* Image geometry for in (MC_E_TOO_LARGE when the stacked frames exceed
 * IMG_MAX_SIDE), and the pixels into a new image. */
mc_err img_from_dicom(const dcm_info *in, const uint8_t *pixels, size_t n, img_image *im);
/* The inverse, into pixels (n = the bytes dcm_pixels would give). */
mc_err img_to_dicom(const dcm_info *in, const img_image *im, uint8_t *pixels, size_t n);
/* The layout of the cipher DICOM built from in (unsigned, all bits used,
 * interleaved), so that the cipher image maps to and from it unchanged. */
dcm_info img_dicom_cipher_layout(const dcm_info *in);

#endif
