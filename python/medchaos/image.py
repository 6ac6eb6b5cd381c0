"""PNG/JPEG files to NumPy arrays and back (src/image/io.h): the arrays the
rest of the package takes, read exactly as the command reads its inputs."""
import ctypes
import os

from ._lib import Image, as_image, call, fn, take_image

_img_read = fn("img_read", [ctypes.c_char_p, ctypes.POINTER(Image)])
_img_write_png = fn("img_write_png", [ctypes.c_char_p, ctypes.POINTER(Image), ctypes.c_int])


def read(path):
    """The image at path (PNG or JPEG, told apart by its first bytes) as an
    H×W (one channel) or H×W×C array of uint8 or native uint16."""
    im = Image()
    call(_img_read, os.fsencode(path), ctypes.byref(im), where=os.fspath(path))
    return take_image(im)


def write(path, array, force=False):
    """Write array as a lossless PNG of the same channels and depth; an
    existing file is refused (MC_E_EXISTS) unless force."""
    im, keep = as_image(array, "array")
    call(_img_write_png, os.fsencode(path), ctypes.byref(im), int(bool(force)), where=os.fspath(path))
