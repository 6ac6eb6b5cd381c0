"""NumPy peer of bench/bench_cipher.c: the same chaos core as docs/CIPHER.md
(logistic map, transient, xkey/ykey/zkey from one orbit, digits D = floor(x*2^52),
stable argsort, P[xi][:, yi] ^ Z on whole pixels), in the shape of the typical
implementation /work/shared/peers/py_chaos_ref.py. Prints, for one image size:
keys_ms encrypt_ms decrypt_ms checksum (encrypt and decrypt include the keys).
Usage: /usr/bin/python3 bench/py_chaos_peer.py H W PIXEL_BYTES REPEATS"""
import sys
import time
import numpy as np

R, X0 = 3.99, 0.3141592653


def logistic(x, r, n, skip=0):
    out = np.empty(n)
    for _ in range(skip):
        x = r * x * (1 - x)
    for i in range(n):
        x = r * x * (1 - x)
        out[i] = x
    return out


def keys(h, w, nbytes):
    seq = logistic(X0, R, h + w + nbytes, skip=1000)
    d = (seq * 2.0 ** 52).astype(np.uint64)          # exact: x < 1, scaling by 2^52
    k = (d & 0xFFFFFFFF).astype(np.uint32)
    xi = np.argsort(k[:h], kind="stable")
    yi = np.argsort(k[h:h + w], kind="stable")
    z = (d[h + w:] & 0xFF).astype(np.uint8)
    return xi, yi, z


def encrypt(img):
    h, w, pb = img.shape
    xi, yi, z = keys(h, w, img.size)
    return img[xi][:, yi] ^ z.reshape(h, w, pb)


def decrypt(c):
    h, w, pb = c.shape
    xi, yi, z = keys(h, w, c.size)
    out = np.empty_like(c)
    out[np.ix_(xi, yi)] = c ^ z.reshape(h, w, pb)
    return out


def test_image(h, w, pb):
    k = np.arange(h * w * pb, dtype=np.uint64)
    return ((k * np.uint64(2654435761) >> np.uint64(13)) & np.uint64(0xFF)).astype(np.uint8).reshape(h, w, pb)


def checksum(c):
    k = np.arange(c.size, dtype=np.uint64)
    return int(np.sum(c.reshape(-1).astype(np.uint64) * (k % np.uint64(65521) + np.uint64(1))))


def best(f, reps):
    t_best, out = None, None
    for _ in range(reps):
        t = time.process_time()        # CPU time, like the C side
        out = f()
        t = time.process_time() - t
        t_best = t if t_best is None or t < t_best else t_best
    return t_best * 1000, out


def main():
    h, w, pb, reps = (int(a) for a in sys.argv[1:5])
    img = test_image(h, w, pb)
    tk, _ = best(lambda: keys(h, w, img.size), reps)
    te, c = best(lambda: encrypt(img), reps)
    td, d = best(lambda: decrypt(c), reps)
    assert (d == img).all()
    print("%.3f %.3f %.3f %d" % (tk, te, td, checksum(c)))


if __name__ == "__main__":
    main()
