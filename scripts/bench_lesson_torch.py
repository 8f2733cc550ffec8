"""The vanishing lesson's arm as a user would write it in PyTorch: the PyTorch half of EngineBenchmark (docs/benchmarks.md,
"Our engine").

The long-range task at d = 30: "key f1 ... f29 in answer", 8 key/answer pairs, the preset's 41 filler words; one sentence
per window (32 predicted words), batch 32, embedding 32 -> one layer (tanh RNN or LSTM with forget-gate bias 5), hidden
64 -> linear to the vocabulary, cross-entropy over every step, Adam 1e-2, float32, one thread, 1,000 iterations.
Prints one JSON line per round: seconds for the 1,000 iterations and the long-range accuracy after them.
Usage: /usr/bin/python3 scripts/bench_lesson_torch.py rnn|lstm [rounds]
"""
import json
import random
import sys
import time

import torch

D, PAIRS, FILLERS, HIDDEN, EMBEDDING, BATCH, ITERATIONS = 30, 8, 41, 64, 32, 32, 1000
VOCABULARY = 2 + 2 * PAIRS + FILLERS + 1  # <unk>, <eos>, keys, answers, fillers, "in"


def sentences(count, rng):
    out = []
    for _ in range(count):
        pair = rng.randrange(PAIRS)
        words = [2 + pair] + [2 + 2 * PAIRS + rng.randrange(FILLERS) for _ in range(D - 1)] + [VOCABULARY - 1, 2 + PAIRS + pair, 1]
        out.append(words)
    return torch.tensor(out)


class Model(torch.nn.Module):
    def __init__(self, kind):
        super().__init__()
        self.embed = torch.nn.Embedding(VOCABULARY, EMBEDDING)
        self.rnn = (torch.nn.LSTM if kind == "lstm" else torch.nn.RNN)(EMBEDDING, HIDDEN, batch_first=True)
        if kind == "lstm":
            with torch.no_grad():  # PyTorch's gate order is i, f, g, o: the forget gate's biases start at 5
                self.rnn.bias_ih_l0[HIDDEN:2 * HIDDEN].fill_(5.0)
                self.rnn.bias_hh_l0[HIDDEN:2 * HIDDEN].fill_(0.0)
        self.out = torch.nn.Linear(HIDDEN, VOCABULARY)

    def forward(self, words):
        return self.out(self.rnn(self.embed(words))[0])


def round_(kind, seed):
    torch.set_num_threads(1)
    torch.manual_seed(seed)
    rng = random.Random(seed)
    train, test = sentences(1800, rng), sentences(200, rng)
    model = Model(kind)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    loss_fn = torch.nn.CrossEntropyLoss()
    start = time.perf_counter()
    for i in range(ITERATIONS):
        batch = train[torch.randint(0, len(train), (BATCH,))]
        optimizer.zero_grad()
        logits = model(batch[:, :-1])
        loss = loss_fn(logits.reshape(-1, VOCABULARY), batch[:, 1:].reshape(-1))
        loss.backward()
        optimizer.step()
    seconds = time.perf_counter() - start
    with torch.no_grad():
        answers = model(test[:, :-1])[:, D, :].argmax(-1)  # the step that reads "in" predicts the answer
        accuracy = (answers == test[:, D + 1]).float().mean().item()
    return seconds, accuracy


if __name__ == "__main__":
    kind, rounds = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 3
    for r in range(rounds):
        seconds, accuracy = round_(kind, r + 1)
        print(json.dumps({"benchmark": "vanishing-lesson-arm", "model": kind, "way": "pytorch-1-thread", "round": r,
                          "seconds": round(seconds, 2), "longRangeAccuracy": round(accuracy, 3)}), flush=True)
