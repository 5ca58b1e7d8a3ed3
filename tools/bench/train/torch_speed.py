# PyTorch peer of speed.ts (benchmark only; never needed by tests or the product): the same
# 784-800-800-10 MLP, batch 64, SGD with momentum 0.9, cross-entropy, random data; median
# samples/s over 5 rounds of 24 steps, with 1 and 2 threads. Prints JSON.
import json
import statistics
import time

import torch


def mlp_samples_per_second(threads: int) -> float:
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Linear(784, 800), torch.nn.ReLU(), torch.nn.Linear(800, 800), torch.nn.ReLU(), torch.nn.Linear(800, 10)
    )
    params = list(model.parameters())
    velocity = [torch.zeros_like(p) for p in params]

    def sgd_step() -> None:
        # torch.optim.SGD's update written out (torch.optim imports sympy, not installed here).
        with torch.no_grad():
            for p, v in zip(params, velocity):
                v.mul_(0.9).add_(p.grad)
                p.sub_(v, alpha=0.01)
                p.grad = None

    x = torch.rand(64, 784)
    y = torch.randint(0, 10, (64,))
    rounds = []
    for _ in range(5):
        times = []
        for _ in range(24):
            t0 = time.perf_counter()
            loss = torch.nn.functional.cross_entropy(model(x), y)
            loss.backward()
            sgd_step()
            loss.item()
            times.append(time.perf_counter() - t0)
        rounds.append(64 / statistics.median(times[3:]))
    return statistics.median(rounds)


print(json.dumps({"version": torch.__version__, "mlp": {str(t): mlp_samples_per_second(t) for t in (1, 2)}}))
