"""The PyTorch half of scripts/bench: the same model as Gradient Lab's, trained the same way, timed the same way.

Embedding 64 -> one recurrent layer (tanh RNN or LSTM), hidden 128 -> linear to 1,000 words, cross-entropy over every
step of a 35-word window, batch 32, Adam 1e-2, float32, on the CPU. Prints one JSON line per measurement:
tokens per second (batch x window per second) over 50 iterations after 10 of warm-up.
"""
import json
import sys
import time

import torch

VOCABULARY, EMBEDDING, HIDDEN, WINDOW, BATCH, WARM_UP, MEASURED = 1000, 64, 128, 35, 32, 10, 50


class Model(torch.nn.Module):
    def __init__(self, kind):
        super().__init__()
        self.embed = torch.nn.Embedding(VOCABULARY, EMBEDDING)
        cell = torch.nn.LSTM if kind == "lstm" else torch.nn.RNN
        self.rnn = cell(EMBEDDING, HIDDEN, batch_first=True)
        self.out = torch.nn.Linear(HIDDEN, VOCABULARY)

    def forward(self, words):
        hidden, _ = self.rnn(self.embed(words))
        return self.out(hidden)


def measure(kind, threads, seed):
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    model = Model(kind)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    loss_fn = torch.nn.CrossEntropyLoss()
    batches = [torch.randint(0, VOCABULARY, (BATCH, WINDOW + 1)) for _ in range(10)]

    def step(i):
        b = batches[i % len(batches)]
        optimizer.zero_grad()
        logits = model(b[:, :-1])
        loss = loss_fn(logits.reshape(-1, VOCABULARY), b[:, 1:].reshape(-1))
        loss.backward()
        optimizer.step()

    for i in range(WARM_UP):
        step(i)
    t0 = time.perf_counter()
    for i in range(MEASURED):
        step(i)
    return MEASURED * BATCH * WINDOW / (time.perf_counter() - t0)


if __name__ == "__main__":
    kind, repeats = sys.argv[1], int(sys.argv[2])
    for r in range(repeats):
        for threads in (1, 2):
            print(json.dumps({"model": kind, "way": "pytorch-%d-thread%s" % (threads, "s" if threads > 1 else ""),
                              "repeat": r, "tokensPerSecond": round(measure(kind, threads, r))}), flush=True)
