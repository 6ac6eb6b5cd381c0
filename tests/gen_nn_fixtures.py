#!/usr/bin/python3
"""Write the PyTorch reference fixtures for tests/test_nn_layers.c and tests/test_nn_models.c.

Run with Debian's python (torch 1.13, torchvision 0.14):  /usr/bin/python3 tests/gen_nn_fixtures.py
The files land in tests/fixtures/nn/ and are committed: the test suite never needs torch.

Each file is safetensors (written here with struct + json, so the safetensors package is not
needed). Layer files hold the input, parameters, output, a fixed upstream gradient dy (the loss is
sum(y * dy)) and the gradients torch's autograd computes. Network files hold an input, the eval-
and train-mode outputs, and sampled elements of every gradient and of the weights after one SGD
and one Adam step; the weights themselves come from a formula (weight_formula below) that the C
test recomputes, because a full ResNet-18 is 45 MB."""
import json, math, os, struct, sys
import numpy as np
import torch, torchvision
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "nn")
torch.manual_seed(20261125)
torch.set_num_threads(2)


def save(path, tensors, meta=None):
    """safetensors: u64 header length, JSON header, then the raw little-endian tensors."""
    header, blobs, off = {}, [], 0
    for name, t in tensors.items():
        a = t.detach().cpu().contiguous().numpy() if torch.is_tensor(t) else np.asarray(t)
        if a.dtype == np.float64:
            a = a.astype(np.float32)
        dt = {np.dtype("float32"): "F32", np.dtype("int64"): "I64"}[a.dtype]
        b = a.astype(a.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": dt, "shape": list(a.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    if meta:
        header["__metadata__"] = {k: str(v) for k, v in meta.items()}
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(os.path.join(OUT, path), "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def grads_of(y, dy, *ts):
    return torch.autograd.grad((y * dy).sum(), ts)


# ---------------------------------------------------------------- single layers
def conv_case(name, B, Cin, H, W, Cout, K, s, p, groups, bias):
    conv = torch.nn.Conv2d(Cin, Cout, K, s, p, groups=groups, bias=bias)
    x = torch.randn(B, Cin, H, W, requires_grad=True)
    y = conv(x)
    dy = torch.randn_like(y)
    ps = [x, conv.weight] + ([conv.bias] if bias else [])
    g = grads_of(y, dy, *ps)
    d = {"x": x, "w": conv.weight, "y": y, "dy": dy, "dx": g[0], "dw": g[1]}
    if bias:
        d.update(b=conv.bias, db=g[2])
    save(f"layer_{name}.safetensors", d, {"K": K, "stride": s, "pad": p, "groups": groups})


conv_case("conv_k3s2p1", 2, 3, 7, 9, 5, 3, 2, 1, 1, True)
conv_case("conv_grouped", 2, 4, 6, 5, 6, 3, 1, 1, 2, False)
conv_case("conv_1x1", 2, 6, 5, 4, 4, 1, 1, 0, 1, True)
conv_case("conv_1x1s2", 2, 4, 7, 7, 6, 1, 2, 0, 1, False)
conv_case("conv_k7s2p3", 2, 3, 11, 10, 4, 7, 2, 3, 1, False)
conv_case("dwconv_s1", 2, 5, 7, 6, 5, 3, 1, 1, 5, False)
conv_case("dwconv_s2", 2, 4, 9, 8, 4, 3, 2, 1, 4, False)


def bn_case(file, act=lambda t: t, gamma=(0.5, 1.0), beta_sd=0.3):
    """BatchNorm2d, then act in place when given (as torchvision builds them): outputs in eval
    and train mode, the running statistics, and the train-mode gradients through both.
    gamma = (lowest, span) of the uniform scale."""
    B, C, H, W = 3, 4, 5, 6
    bn = torch.nn.BatchNorm2d(C)
    with torch.no_grad():
        bn.weight.copy_(torch.rand(C) * gamma[1] + gamma[0])
        bn.bias.copy_(torch.randn(C) * beta_sd)
        bn.running_mean.copy_(torch.randn(C) * 0.2)
        bn.running_var.copy_(torch.rand(C) + 0.5)
    rm0, rv0 = bn.running_mean.clone(), bn.running_var.clone()
    x = (torch.randn(B, C, H, W) * 2 + 0.7).requires_grad_(True)
    bn.eval()
    y_eval = act(bn(x))
    bn.train()
    y = act(bn(x))
    dy = torch.randn_like(y)
    dx, dg, db = grads_of(y, dy, x, bn.weight, bn.bias)
    save(file,
         {"x": x, "w": bn.weight, "b": bn.bias, "rm0": rm0, "rv0": rv0, "y_eval": y_eval,
          "y": y, "dy": dy, "dx": dx, "dw": dg, "db": db, "rm1": bn.running_mean,
          "rv1": bn.running_var, "nbt": bn.num_batches_tracked.reshape(())})


bn_case("layer_batchnorm.safetensors")


def act_case(name, fn):
    x = torch.randn(2, 3, 5, 7) * 4
    x.view(-1)[:6] = torch.tensor([0.0, 6.0, -0.0, 5.999, 6.001, 1e-7])  # the corners
    x.requires_grad_(True)
    y = fn(x.clone())
    dy = torch.randn_like(y)
    (dx,) = grads_of(y, dy, x)
    save(f"layer_{name}.safetensors", {"x": x, "y": y, "dy": dy, "dx": dx})


act_case("relu", lambda t: F.relu(t, inplace=True))
act_case("relu6", lambda t: F.relu6(t, inplace=True))


def maxpool_case():
    # values on a coarse grid, many zeros after ReLU: ties decide where the gradient goes
    x = F.relu(torch.round(torch.randn(2, 3, 9, 8) * 2) / 2).requires_grad_(True)
    y = F.max_pool2d(x, 3, 2, 1)
    dy = torch.randn_like(y)
    (dx,) = grads_of(y, dy, x)
    save("layer_maxpool.safetensors", {"x": x, "y": y, "dy": dy, "dx": dx})


maxpool_case()


def gap_case():
    x = torch.randn(2, 3, 5, 7, requires_grad=True)
    y = torch.flatten(F.adaptive_avg_pool2d(x, 1), 1)
    dy = torch.randn_like(y)
    (dx,) = grads_of(y, dy, x)
    save("layer_avgpool.safetensors", {"x": x, "y": y, "dy": dy, "dx": dx})


gap_case()


def linear_case():
    lin = torch.nn.Linear(7, 5)
    x = torch.randn(4, 7, requires_grad=True)
    y = lin(x)
    dy = torch.randn_like(y)
    dx, dw, db = grads_of(y, dy, x, lin.weight, lin.bias)
    save("layer_linear.safetensors",
         {"x": x, "w": lin.weight, "b": lin.bias, "y": y, "dy": dy, "dx": dx, "dw": dw, "db": db})


linear_case()


def loss_cases():
    p = torch.randn(4, 3, requires_grad=True)
    t = torch.randn(4, 3)
    l = F.mse_loss(p, t)
    (dp,) = torch.autograd.grad(l, p)
    z = (torch.randn(5, 7) * 3).requires_grad_(True)
    lab = torch.tensor([0, 6, 3, 3, 1])
    ce = F.cross_entropy(z, lab)
    (dz,) = torch.autograd.grad(ce, z)
    save("layer_losses.safetensors",
         {"pred": p, "target": t, "mse": l.reshape(1), "dpred": dp, "logits": z,
          "labels": lab, "ce": ce.reshape(1), "dlogits": dz})


loss_cases()


def optim_cases():
    """Three steps of each optimiser on one tensor with fixed gradients."""
    w0 = torch.randn(37)
    gs = [torch.randn(37) for _ in range(3)]
    out = {"w0": w0, "g": torch.stack(gs)}
    confs = {
        "sgd": lambda p: torch.optim.SGD([p], lr=0.1, momentum=0.9, weight_decay=0.01),
        "sgd_nesterov": lambda p: torch.optim.SGD([p], lr=0.1, momentum=0.9, weight_decay=0.01,
                                                  nesterov=True),
        "sgd_plain": lambda p: torch.optim.SGD([p], lr=0.1),
        "adam": lambda p: torch.optim.Adam([p], lr=0.01, betas=(0.9, 0.999), eps=1e-8,
                                           weight_decay=0.01),
        "adamw": lambda p: torch.optim.AdamW([p], lr=0.01, betas=(0.8, 0.99), eps=1e-6,
                                             weight_decay=0.1),
    }
    for name, mk in confs.items():
        p = torch.nn.Parameter(w0.clone())
        opt = mk(p)
        for g in gs:
            p.grad = g.clone()
            opt.step()
        out[name] = p.detach()
    # schedules: the learning rate at epochs 0..10, from lr0 = 0.1
    def lrs_of(make_schedule):
        opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
        sch = make_schedule(opt)
        lrs = []
        for _ in range(11):
            lrs.append(opt.param_groups[0]["lr"])
            opt.step()
            sch.step()
        return torch.tensor(lrs)

    out["cosine"] = lrs_of(lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=10, eta_min=0.001))
    out["steplr"] = lrs_of(lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5))
    save("optim.safetensors", out)


optim_cases()


# ---------------------------------------------------------------- whole networks
def formula(j, n):
    """Uniform in [-1, 1): an integer hash of (tensor index j, element i); the C test
    (tests/test_nn_models.c, formula_u) computes the same numbers."""
    i = np.arange(n, dtype=np.uint64)
    M = np.uint64(0xFFFFFFFF)
    h = (i * np.uint64(2654435761) + np.uint64(j + 1) * np.uint64(40503) + np.uint64(12345)) & M
    h ^= h >> np.uint64(13)
    h = (h * np.uint64(0x5BD1E995)) & M
    h ^= h >> np.uint64(15)
    return h.astype(np.float64) / 4294967296.0 * 2.0 - 1.0


def weight_formula(model):
    """Deterministic weights by role (the C test's fill_formula mirrors this)."""
    sd = model.state_dict()
    new = {}
    for j, (name, t) in enumerate(sd.items()):
        n = t.numel()
        u = formula(j, n)
        if name.endswith("num_batches_tracked"):
            new[name] = torch.tensor(j, dtype=torch.int64)
            continue
        if name.endswith("running_var"):
            v = 1.0 + 0.25 * (u + 1.0)
        elif name.endswith("running_mean") or name.endswith("bias"):
            v = 0.1 * u
        elif t.dim() == 1:  # BN weight
            v = 1.0 + 0.1 * u
        elif t.dim() == 4:  # conv: He-uniform on fan_in
            fan_in = t.shape[1] * t.shape[2] * t.shape[3]
            v = u * math.sqrt(6.0 / fan_in)
        else:  # linear
            v = u / math.sqrt(t.shape[1])
        new[name] = torch.from_numpy(v.astype(np.float32)).reshape(t.shape)
    model.load_state_dict(new)


def samples(t):
    """Elements at indices floor(k*n/S), k < S = min(n, 256) (tests/test_nn_models.c, sample_index)."""
    f = t.detach().reshape(-1)
    n = f.numel()
    S = min(n, 256)
    idx = torch.tensor([(k * n) // S for k in range(S)], dtype=torch.int64)
    return f[idx]


def grad_spread(arch, x, target, g0, reps=8):
    """How far torch's own float32 gradients move when the input is perturbed by
    1e-7 (relative), per parameter: max over reps of max |g - g0| / max(1, |g0|)
    over the sampled elements. It measures the case's conditioning: a value
    that crosses a ReLU6 kink under such a perturbation changes the gradients
    of every layer before it, by far more than float rounding elsewhere."""
    gen = torch.Generator().manual_seed(99)
    spread = {}
    state = torch.get_rng_state()  # building models draws from it: later fixtures must not move
    for _ in range(reps):
        m = make_net(arch)
        m.train()
        xp = x * (1 + 1e-7 * torch.randn(x.shape, generator=gen))
        F.mse_loss(m(xp), target).backward()
        for name, p in m.named_parameters():
            a, b = samples(p.grad), g0[name]
            d = ((a - b).abs() / b.abs().clamp(min=1)).max().item()
            spread[name] = max(spread.get(name, 0.0), d)
    torch.set_rng_state(state)
    return spread


def make_net(arch):
    mk = {"resnet18": torchvision.models.resnet18, "mobilenetv2": torchvision.models.mobilenet_v2}[arch]
    model = mk(num_classes=3)
    weight_formula(model)
    if arch == "mobilenetv2":
        model.classifier[0].p = 0.0  # dropout masks cannot match torch's RNG; tested on its own
    return model


def net_case(arch, H, W, spread=False):
    model = make_net(arch)
    sd0 = {k: v.clone() for k, v in model.state_dict().items()}
    g = torch.Generator().manual_seed(7)
    x = torch.randn(2, 3, H, W, generator=g)
    target = torch.randn(2, 3, generator=g)
    out = {"x": x, "target": target}
    model.eval()
    with torch.no_grad():
        out["y_eval"] = model(x)
    model.train()
    y = model(x)
    loss = F.mse_loss(y, target)
    loss.backward()
    out["y_train"] = y
    out["loss"] = loss.reshape(1)
    sd1 = model.state_dict()
    for name, p in model.named_parameters():
        out["grad:" + name] = samples(p.grad)
    if spread:
        g0 = {name: samples(p.grad) for name, p in model.named_parameters()}
        for name, d in grad_spread(arch, x, target, g0).items():
            out["spread:" + name] = torch.tensor([d], dtype=torch.float32)
    for name, b in sd1.items():
        if "running" in name:
            out["run:" + name] = samples(b)
    import copy
    m_sgd, m_adam = copy.deepcopy(model), copy.deepcopy(model)
    for m2 in (m_sgd, m_adam):  # deepcopy drops .grad
        for p2, p in zip(m2.parameters(), model.parameters()):
            p2.grad = p.grad.clone()
    torch.optim.SGD(m_sgd.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-4).step()
    torch.optim.Adam(m_adam.parameters(), lr=1e-3, weight_decay=1e-4).step()
    for name, p in m_sgd.named_parameters():
        out["sgd:" + name] = samples(p)
    for name, p in m_adam.named_parameters():
        out["adam:" + name] = samples(p)
    manifest = "\n".join(f"{k} {list(v.shape)}".replace(" ", "") .replace("[", " [", 1)
                         for k, v in sd0.items())
    save(f"{arch}_case.safetensors", out, {"state_dict": manifest, "H": H, "W": W})
    return model, sd0


net_case("resnet18", 64, 48)
_, mnv2_sd = net_case("mobilenetv2", 64, 48, spread=True)
# one real state_dict file, so the loader meets torch's own layout (int64 scalars included)
save("mobilenetv2_weights.safetensors", mnv2_sd)


# ---------------------------------------------------------------- a short training run
def toy_training():
    """ResNet-18 learns the mean colour of random 32x32 images (3 outputs), Adam, 40 steps."""
    g = torch.Generator().manual_seed(11)
    # smooth random images: a per-image colour plus noise, so the mean varies between images
    colour = torch.rand(32, 3, 1, 1, generator=g) * 2 - 1
    imgs = colour + 0.5 * torch.randn(32, 3, 32, 32, generator=g)
    target = imgs.mean(dim=(2, 3))
    model = torchvision.models.resnet18(num_classes=3)
    weight_formula(model)
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    losses = []
    for step in range(40):
        b = (step % 4) * 8
        opt.zero_grad()
        loss = F.mse_loss(model(imgs[b:b + 8]), target[b:b + 8])
        loss.backward()
        opt.step()
        losses.append(loss.item())
    save("toy_training.safetensors",
         {"images": imgs, "targets": target, "losses": torch.tensor(losses)},
         {"steps": 40, "batch": 8, "lr": 1e-3})
    print("toy training losses:", " ".join(f"{v:.4f}" for v in losses))


toy_training()


def winograd_cases():
    """3x3 stride-1 convolutions of the shapes conv2d.c gives to Winograd's F(4x4,3x3) and
    F(2x2,3x3): sizes that are not multiples of the tile, channels that are multiples of nothing
    useful, batch > 1, padding 1 and 0. Own seed, so the files above do not move."""
    torch.manual_seed(3)
    conv_case("conv_wino4_pad1", 2, 19, 11, 13, 21, 3, 1, 1, 1, True)
    conv_case("conv_wino2_pad1", 3, 17, 3, 2, 18, 3, 1, 1, 1, False)
    conv_case("conv_wino4_pad0", 2, 16, 9, 10, 20, 3, 1, 0, 1, False)


winograd_cases()

# ------------------------------------------- fast paths and fused layers (own seed: the files
# above are unchanged by these additions)
torch.manual_seed(20261126)
# depthwise convolution where the padded path's corners are: planes 1x1, 2x2, 3x5, 7x7,
# strides 1 and 2, no padding, and a 5x5 kernel (the loops for any K)
conv_case("dwconv_1x1_s1", 3, 2, 1, 1, 2, 3, 1, 1, 2, False)
conv_case("dwconv_2x2_s2", 3, 3, 2, 2, 3, 3, 2, 1, 3, False)
conv_case("dwconv_3x5_s1", 2, 3, 3, 5, 3, 3, 1, 1, 3, False)
conv_case("dwconv_3x5_s2", 2, 3, 3, 5, 3, 3, 2, 1, 3, False)
conv_case("dwconv_7x7_s2", 3, 2, 7, 7, 2, 3, 2, 1, 2, False)
conv_case("dwconv_k3p0_s1", 2, 3, 6, 5, 3, 3, 1, 0, 3, False)
conv_case("dwconv_k5s2p2", 2, 3, 9, 8, 3, 5, 2, 2, 3, False)


# batch norm fused with the activation after it; gamma up to 4 pushes some normalised values
# past ReLU6's corner at 6
bn_case("layer_bn_relu.safetensors", lambda t: F.relu(t, inplace=True), (1.0, 3.0), 1.0)
bn_case("layer_bn_relu6.safetensors", lambda t: F.relu6(t, inplace=True), (1.0, 3.0), 1.0)


def dwconv_bn_relu6_case(name="dwconv_bn_relu6", B=2, C=4, H=7, W=6, stride=2):
    """MobileNetV2's depthwise block in eval mode: conv (groups = C) -> BN -> ReLU6."""
    conv = torch.nn.Conv2d(C, C, 3, stride, 1, groups=C, bias=False)
    bn = torch.nn.BatchNorm2d(C).eval()
    with torch.no_grad():
        bn.weight.copy_(torch.rand(C) * 3 + 1)
        bn.bias.copy_(torch.randn(C))
        bn.running_mean.copy_(torch.randn(C) * 0.2)
        bn.running_var.copy_(torch.rand(C) + 0.5)
        x = torch.randn(B, C, H, W) * 2
        y = F.relu6(bn(conv(x)))
    save(f"layer_{name}.safetensors",
         {"x": x, "w": conv.weight, "g": bn.weight, "b": bn.bias, "rm": bn.running_mean,
          "rv": bn.running_var, "y": y}, {"stride": stride})


dwconv_bn_relu6_case()


# ------------------------------------------- tiny maps (conv_taps.c), own seed
def taps_cases():
    """3x3 stride-1 padding-1 convolutions on maps of 2x2 and less, where every output pixel
    sees every input pixel: 2x2, 1x2 and 1x1, channel counts that are not multiples of 8."""
    torch.manual_seed(20261127)
    conv_case("conv_taps_2x2", 3, 19, 2, 2, 21, 3, 1, 1, 1, True)
    conv_case("conv_taps_1x2", 2, 9, 1, 2, 10, 3, 1, 1, 1, False)
    conv_case("conv_taps_1x1", 4, 13, 1, 1, 11, 3, 1, 1, 1, False)
    # depthwise on maps of a few pixels with channels enough to be vector lanes (dwconv.c)
    conv_case("dwconv_small_4x4_s1", 3, 40, 4, 4, 40, 3, 1, 1, 40, False)
    conv_case("dwconv_small_4x4_s2", 2, 24, 4, 4, 24, 3, 2, 1, 24, False)
    conv_case("dwconv_small_2x3_k5", 2, 17, 2, 3, 17, 5, 1, 2, 17, False)
    dwconv_bn_relu6_case("dwconv_bn_relu6_small", 3, 32, 4, 4, 1)


taps_cases()
print("fixtures written to", OUT)
