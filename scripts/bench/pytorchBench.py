"""The bench's PyTorch reference: the same models, loss, optimizer and protocol as tfjsBench.ts.

Run by main.ts (one process per model and thread count) with Debian's /usr/bin/python3:
    pytorchBench.py REQUEST_JSON RESULT_FILE
REQUEST_JSON: {"model", "architecture", "inputShape": [h, w, c], "threads", "protocol": {...},
"profile": bool}, the protocol being models.ts's. Writes one BenchRow (results.ts) as JSON.

The architectures mirror src/trainer/models/architectures/*.ts and classifier.ts layer for layer:
the same convolution, pooling and dense sizes, valid padding in seed-cnn, 'same' padding
elsewhere (PyTorch pads a stride-2 3×3 convolution by 1 on both sides where TensorFlow pads
0 before and 1 after: other pixel alignment, the same output size and cost), BatchNormalization
with Keras's epsilon 1e-3 and momentum 0.9 (PyTorch's momentum=0.1), depthwise convolutions as
grouped convolutions, the head's dropout 0.3 and a softmax dense layer. The loss is trainStep's:
mean of -sum(onehot * log(clip(softmax, 1e-7, 1 - 1e-7))), Adam with tfjs's epsilon 1e-7; after
each step the loss and the argmax are read back, as ours does.

torchvision's backbones (resnet18, mobilenetv2) are torchvision's own models (weights=None), whose
structure ours follows exactly (src/trainer/models/architectures), with our head: dropout then a
dense layer over the pooled features.
"""
import json
import resource
import sys
import time
from statistics import median

import torch
from torch import nn


def seed_cnn(channels: int, height: int, width: int, classes: int, dropout: float) -> nn.Module:
    size_h, size_w = height, width
    for _ in range(2):  # valid 3×3 then pool 2
        size_h, size_w = (size_h - 2) // 2, (size_w - 2) // 2
    size_h, size_w = size_h - 2, size_w - 2
    return nn.Sequential(
        nn.Conv2d(channels, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(64, 64, 3), nn.ReLU(),
        nn.Flatten(), nn.Linear(64 * size_h * size_w, 64), nn.ReLU(),
        nn.Dropout(dropout), nn.Linear(64, classes),
    )


def batch_norm(channels: int) -> nn.BatchNorm2d:
    return nn.BatchNorm2d(channels, eps=1e-3, momentum=0.1)


class ResidualBlock(nn.Module):
    def __init__(self, in_channels: int, filters: int, stride: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, filters, 3, stride, 1, bias=False)
        self.bn1 = batch_norm(filters)
        self.conv2 = nn.Conv2d(filters, filters, 3, 1, 1, bias=False)
        self.bn2 = batch_norm(filters)
        self.shortcut: nn.Module = nn.Identity()
        if stride != 1 or in_channels != filters:
            self.shortcut = nn.Sequential(nn.Conv2d(in_channels, filters, 1, stride, bias=False), batch_norm(filters))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = torch.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return torch.relu(y + self.shortcut(x))


def resnet_small(channels: int, classes: int, dropout: float) -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(channels, 16, 3, 1, 1, bias=False), batch_norm(16), nn.ReLU(),
        ResidualBlock(16, 16, 1), ResidualBlock(16, 32, 2), ResidualBlock(32, 64, 2),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(dropout), nn.Linear(64, classes),
    )


def separable(in_channels: int, filters: int, stride: int) -> list[nn.Module]:
    return [
        nn.Conv2d(in_channels, in_channels, 3, stride, 1, groups=in_channels, bias=False), batch_norm(in_channels), nn.ReLU6(),
        nn.Conv2d(in_channels, filters, 1, bias=False), batch_norm(filters), nn.ReLU6(),
    ]


def mobilenet_small(channels: int, classes: int, dropout: float) -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(channels, 16, 3, 1, 1, bias=False), batch_norm(16), nn.ReLU6(),
        *separable(16, 32, 2), *separable(32, 64, 1), *separable(64, 64, 2), *separable(64, 128, 1),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(dropout), nn.Linear(128, classes),
    )


def torchvision_backbone(architecture: str, classes: int, dropout: float) -> nn.Module:
    import torchvision

    if architecture == 'resnet18':
        model = torchvision.models.resnet18(weights=None)
        model.fc = nn.Sequential(nn.Dropout(dropout), nn.Linear(model.fc.in_features, classes))
        return model
    if architecture == 'mobilenetv2':
        return torchvision.models.mobilenet_v2(weights=None, num_classes=classes, dropout=dropout)
    raise ValueError(f'unknown architecture {architecture}')


def build(architecture: str, shape: list[int], classes: int, dropout: float) -> nn.Module:
    height, width, channels = shape
    if architecture in ('resnet18', 'mobilenetv2'):
        return torchvision_backbone(architecture, classes, dropout)
    if architecture == 'seed-cnn':
        return seed_cnn(channels, height, width, classes, dropout)
    if architecture == 'resnet-small':
        return resnet_small(channels, classes, dropout)
    if architecture == 'mobilenet-small':
        return mobilenet_small(channels, classes, dropout)
    raise ValueError(f'unknown architecture {architecture}')


def profile_steps(step, repeats: int) -> dict:
    """Self CPU time per operator, per step (the profiler adds its own overhead to each op)."""
    from torch.autograd import profiler

    started = time.perf_counter()
    with profiler.profile(record_shapes=True) as prof:
        for _ in range(repeats):
            step()
    wall_ms = (time.perf_counter() - started) * 1000 / repeats
    rows = []
    for event in prof.key_averages(group_by_input_shape=True):
        shapes = next((s for s in event.input_shapes if s), None) if event.input_shapes else None
        name = f'{event.key} {list(shapes)}' if shapes else event.key
        rows.append({'name': name.replace(' ', ''), 'selfMs': event.self_cpu_time_total / 1000 / repeats, 'calls': event.count / repeats})
    rows.sort(key=lambda row: -row['selfMs'])
    return {'stepMs': wall_ms, 'kernelMs': sum(row['selfMs'] for row in rows), 'top': rows[:12]}


def main() -> None:
    request = json.loads(sys.argv[1])
    result_file = sys.argv[2]
    protocol = request['protocol']
    threads = int(request['threads'])
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    height, width, channels = request['inputShape']
    classes, batch_size = protocol['classCount'], protocol['batchSize']
    model = build(request['architecture'], request['inputShape'], classes, protocol['dropout'])
    optimizer = torch.optim.Adam(model.parameters(), lr=protocol['learningRate'], eps=1e-7)
    count = protocol['imagesPerEpoch']
    images = torch.rand(count, channels, height, width)
    labels = torch.randint(0, classes, (count,))

    def step(batch_images: torch.Tensor, batch_labels: torch.Tensor) -> tuple[float, int]:
        optimizer.zero_grad(set_to_none=True)
        probabilities = torch.softmax(model(batch_images), dim=-1)
        targets = nn.functional.one_hot(batch_labels, classes).to(probabilities.dtype)
        loss = -(targets * torch.log(probabilities.clamp(1e-7, 1 - 1e-7))).sum(-1).mean()
        loss.backward()
        optimizer.step()
        predicted = probabilities.detach().argmax(-1)
        return loss.item(), int((predicted == batch_labels).sum().item())

    def epoch() -> float:
        started = time.perf_counter()
        order = torch.randperm(count)
        for start in range(0, count, batch_size):
            index = order[start:start + batch_size]
            step(images[index], labels[index])  # a gathered copy, as BatchIterator copies
        return count / (time.perf_counter() - started)

    model.train()
    # The two untimed first steps ours takes (optimizer slots, kernel set-up), then the warm-up.
    for _ in range(2):
        step(images[:batch_size], labels[:batch_size])
    for _ in range(protocol['warmupEpochs']):
        epoch()
    rates = [epoch() for _ in range(protocol['timedEpochs'])]
    row: dict = {
        'model': request['model'], 'backend': 'pytorch', 'framework': 'pytorch', 'status': 'ok',
        'threads': torch.get_num_threads(),
        'notes': [f'torch {torch.__version__}', f'mkldnn {torch.backends.mkldnn.is_available()}'],
        'parameters': sum(p.numel() for p in model.parameters()),
        'protocol': {'imagesPerEpoch': count, 'warmupEpochs': protocol['warmupEpochs'], 'timedEpochs': protocol['timedEpochs'], 'reduced': False},
        'trainEpochRates': rates, 'trainImagesPerSecond': median(rates),
    }
    if request.get('profile'):
        row['profile'] = profile_steps(lambda: step(images[:batch_size], labels[:batch_size]), 5)

    model.eval()
    inference_rates = []
    inference_batch = protocol['inferenceBatchSize']
    output = torch.empty(count, classes)
    with torch.inference_mode():
        for i in range(protocol['inferenceWarmup'] + protocol['inferenceTimed']):
            started = time.perf_counter()
            for start in range(0, count, inference_batch):
                output[start:start + inference_batch] = torch.softmax(model(images[start:start + inference_batch]), dim=-1)
            output.numpy()
            if i >= protocol['inferenceWarmup']:
                inference_rates.append(count / (time.perf_counter() - started))
    row['inferenceImagesPerSecond'] = median(inference_rates)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    row['peakRssBytes'] = usage.ru_maxrss * 1024
    row['cpuSeconds'] = usage.ru_utime + usage.ru_stime
    with open(result_file, 'w', encoding='utf-8') as handle:
        json.dump(row, handle)


if __name__ == '__main__':
    main()
