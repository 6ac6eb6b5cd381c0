"""PyTorch peer for bench/bench_nn.c (shape of /work/shared/peers/torch_bench.py): the same
networks, shapes and work (eval inference; train-mode forward + MSE backward + SGD momentum step,
3 outputs), printed as 'NAME SIZE BATCH INFER_IMG_S TRAIN_IMG_S' lines and 'peak_rss_mb N'.
Usage: /usr/bin/python3 bench/torch_peer.py [THREADS] [quick]"""
import resource, sys, time
import torch, torchvision

torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
quick = len(sys.argv) > 2 and sys.argv[2] == "quick"
torch.manual_seed(0)


def best_time(fn, reps):
    for _ in range(3):  # warm-up: oneDNN primitives, the allocator, autograd
        fn()
    best = 1e9
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


for name in ("resnet18", "mobilenetv2"):
    for size, batch in ((224, 8), (64, 32))[: 1 if quick else 2]:
        mk = torchvision.models.resnet18 if name == "resnet18" else torchvision.models.mobilenet_v2
        m = mk(num_classes=3)
        x = torch.randn(batch, 3, size, size)
        y = torch.randn(batch, 3)
        reps = 1 if quick else 5
        m.eval()
        with torch.no_grad():
            t_inf = best_time(lambda: m(x), reps)
        m.train()
        opt = torch.optim.SGD(m.parameters(), lr=0.01, momentum=0.9)

        def step():
            opt.zero_grad()
            torch.nn.functional.mse_loss(m(x), y).backward()
            opt.step()

        t_train = best_time(step, reps)
        print(f"{name} {size} {batch} {batch / t_inf:.2f} {batch / t_train:.2f}", flush=True)
print(f"peak_rss_mb {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}")
