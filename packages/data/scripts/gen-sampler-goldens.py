"""Writes fixtures/samplers.json: sampler orders, DataLoader batches and worker seeds from PyTorch 1.13.

Run with the interpreter that has torch: /usr/bin/python3 packages/data/scripts/gen-sampler-goldens.py
"""
import json
import os

import torch
from torch.utils.data import (BatchSampler, ConcatDataset, DataLoader, Dataset, RandomSampler, SequentialSampler,
                              SubsetRandomSampler, WeightedRandomSampler, get_worker_info, random_split)
from torch.utils.data.distributed import DistributedSampler

out = {}

out['random_sampler'] = []
for n, replacement, num_samples, seed in [(10, False, None, 0), (7, False, 17, 3), (5, True, None, 1),
                                           (100, True, 70, 42), (33, False, 5, 7), (1, False, None, 5)]:
    g = torch.Generator().manual_seed(seed)
    sampler = RandomSampler(range(n), replacement=replacement, num_samples=num_samples, generator=g)
    passes = [list(sampler), list(sampler)]
    out['random_sampler'].append(dict(n=n, replacement=replacement, num_samples=num_samples, seed=seed,
                                      passes=passes))

# Without a generator: each pass seeds a new generator from the default one.
out['random_sampler_default'] = []
for n, seed in [(10, 0), (25, 123)]:
    torch.manual_seed(seed)
    sampler = RandomSampler(range(n))
    out['random_sampler_default'].append(dict(n=n, seed=seed, passes=[list(sampler), list(sampler)]))

out['subset_random_sampler'] = []
for indices, seed in [([3, 9, 27, 81, 5, 6], 0), (list(range(100, 120)), 11)]:
    g = torch.Generator().manual_seed(seed)
    out['subset_random_sampler'].append(dict(indices=indices, seed=seed, order=list(SubsetRandomSampler(indices, g))))

out['weighted_random_sampler'] = []
for weights, num_samples, replacement, seed in [([0.1, 0.9, 0.4, 0.7, 3.0, 0.6], 20, True, 0),
                                                 ([0.9, 0.4, 0.05, 0.2, 0.3, 0.1], 5, False, 1),
                                                 ([1, 2, 3, 4], 10, True, 9)]:
    g = torch.Generator().manual_seed(seed)
    sampler = WeightedRandomSampler(weights, num_samples, replacement=replacement, generator=g)
    out['weighted_random_sampler'].append(dict(weights=weights, num_samples=num_samples, replacement=replacement,
                                               seed=seed, order=list(sampler)))

out['batch_sampler'] = []
for n, batch_size, drop_last in [(10, 3, False), (10, 3, True), (9, 3, True), (9, 3, False), (2, 5, False),
                                 (2, 5, True), (0, 2, False)]:
    sampler = BatchSampler(SequentialSampler(range(n)), batch_size, drop_last)
    out['batch_sampler'].append(dict(n=n, batch_size=batch_size, drop_last=drop_last, batches=list(sampler),
                                     length=len(sampler)))

out['distributed_sampler'] = []
for n, replicas, shuffle, seed, epoch, drop_last in [(10, 3, False, 0, 0, False), (10, 3, False, 0, 0, True),
                                                      (10, 4, True, 0, 0, False), (10, 4, True, 0, 1, False),
                                                      (11, 4, True, 5, 2, True), (3, 5, False, 0, 0, False),
                                                      (2, 7, True, 1, 0, False), (13, 3, True, 42, 3, True)]:
    ranks = []
    for rank in range(replicas):
        s = DistributedSampler(range(n), num_replicas=replicas, rank=rank, shuffle=shuffle, seed=seed,
                               drop_last=drop_last)
        s.set_epoch(epoch)
        ranks.append(list(s))
    out['distributed_sampler'].append(dict(n=n, replicas=replicas, shuffle=shuffle, seed=seed, epoch=epoch,
                                           drop_last=drop_last, ranks=ranks, length=len(s)))


class Named(Dataset):
    def __init__(self, name, n):
        self.name, self.n = name, n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        if i < 0 or i >= self.n:
            raise IndexError(i)
        return f'{self.name}{i}'


concat = ConcatDataset([Named('a', 3), Named('b', 0), Named('c', 4), Named('d', 2)])
out['concat'] = dict(sizes=[3, 0, 4, 2], names=['a', 'b', 'c', 'd'], cumulative_sizes=concat.cumulative_sizes,
                     items={str(i): concat[i] for i in range(-len(concat), len(concat))})

out['random_split'] = []
for n, lengths, seed in [(10, [3, 7], 42), (30, [0.3, 0.3, 0.4], 42), (11, [0.5, 0.5], 1), (7, [0.1, 0.2, 0.7], 3)]:
    splits = random_split(range(n), lengths, generator=torch.Generator().manual_seed(seed))
    out['random_split'].append(dict(n=n, lengths=lengths, seed=seed, splits=[list(s) for s in splits]))

out['loader_shuffle'] = []
for n, batch_size, seed, drop_last in [(10, 3, 0, False), (23, 4, 7, True)]:
    g = torch.Generator().manual_seed(seed)
    loader = DataLoader(range(n), batch_size=batch_size, shuffle=True, generator=g, drop_last=drop_last)
    epochs = [[b.tolist() for b in loader] for _ in range(2)]
    out['loader_shuffle'].append(dict(n=n, batch_size=batch_size, seed=seed, drop_last=drop_last, epochs=epochs))

torch.manual_seed(5)
loader = DataLoader(range(12), batch_size=5, shuffle=True)
out['loader_shuffle_default'] = dict(n=12, batch_size=5, seed=5, epochs=[[b.tolist() for b in loader] for _ in range(2)])

# Base seeds and what workers draw after seeding with base_seed + worker_id.
g = torch.Generator().manual_seed(1234)
base_seed = torch.empty((), dtype=torch.int64).random_(generator=g).item()


class Probe(Dataset):
    def __len__(self):
        return 8

    def __getitem__(self, i):
        info = get_worker_info()
        return dict(index=i, worker=info.id, seed=info.seed, draw=torch.rand(1).item())


probe = DataLoader(Probe(), batch_size=None, num_workers=2, generator=torch.Generator().manual_seed(1234))
out['worker_seeds'] = dict(generator_seed=1234, base_seed=str(base_seed),
                           samples=[dict(index=s['index'], worker=s['worker'], seed=str(s['seed']), draw=s['draw'])
                                    for s in probe])

path = os.path.join(os.path.dirname(__file__), '..', 'fixtures', 'samplers.json')
with open(path, 'w') as f:
    json.dump(out, f, indent=1)
print('wrote', os.path.normpath(path))
