"""The statistical intent model: character and word n-grams of normalised text into a linear model.

Character n-grams (1–4, inside word boundaries) carry inflected Latvian and Russian, typos and
transliteration; word uni- and bigrams carry phrasing, and uni- and bigrams of 5-letter word stems
let one inflected form ("tikšanās"/"tikšanos", "свидание"/"свидания") meet the phrasing of another
(the stems share the word block). Each block gets sublinear tf-idf and its own l2 norm.
scikit-learn's LinearSVC fits the weights (liblinear, seeded, so deterministic) and a softmax
temperature fitted on cross-validated scores turns them into probabilities. Prediction is a few
dictionary look-ups and one small matrix product in numpy, so a parse costs about a millisecond.
The artefact is JSON (vocabulary, classes, settings) plus an .npz of arrays: no pickle, so loading
is fast and cannot run code. Settings are compared on held-out data with bench/nlu/embedded_only.py.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from nlu.normalize import normalize
from nlu.parse import IntentScore
from nlu.yaml_data import Example

# 2: normalize() folds j/y; 3: word-stem features; 4: the word "ja" is kept (older artefacts are stale)
FORMAT_VERSION = 4
MODEL_JSON = "model.json"
MODEL_ARRAYS = "model.npz"
FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class FeatureConfig:
    """How text becomes features; stored in the artefact so a loaded model reads text the same way."""

    char_min: int = 1
    char_max: int = 4
    word_max: int = 2
    word_weight: float = 0.6
    c: float = 2.0  # inverse regularisation strength of the linear SVM
    char_across: bool = False  # character n-grams also span word boundaries ("char" vs "char_wb")
    balanced: bool = False  # weight classes inversely to their example counts
    stem: int = 5  # if > 0, uni- and bigrams of each word's first `stem` letters join the word block


def features(text: str, config: FeatureConfig) -> Counter[str]:
    """Raw n-gram counts of one text: "c:" character n-grams, "w:" word n-grams, "s:" stem n-grams.

    The n-grams are gathered into one list and counted by Counter.update, which counts in C: a quarter
    faster than adding them one by one (every message goes through here), same counts in the same order.
    """
    words = normalize(text).split()
    grams: list[str] = []
    for word in [" ".join(words)] if config.char_across else words:
        padded = f" {word} "
        for n in range(config.char_min, config.char_max + 1):
            grams.extend(["c:" + padded[i : i + n] for i in range(len(padded) - n + 1)])
    for n in range(1, config.word_max + 1):
        grams.extend(["w:" + " ".join(words[i : i + n]) for i in range(len(words) - n + 1)])
    if config.stem > 0:
        stems = [w[: config.stem] for w in words]
        for n in range(1, config.word_max + 1):
            grams.extend(["s:" + " ".join(stems[i : i + n]) for i in range(len(stems) - n + 1)])
    counts: Counter[str] = Counter()
    counts.update(grams)
    return counts


class IntentClassifier:
    """Fit on examples, predict a sorted intent ranking, save and load without pickle."""

    def __init__(self, config: FeatureConfig | None = None) -> None:
        self.config = config or FeatureConfig()
        self.classes: tuple[str, ...] = ()
        self.vocabulary: dict[str, int] = {}
        self.metadata: dict[str, object] = {}
        self._idf: FloatArray = np.zeros(0, dtype=np.float32)
        self._coef: FloatArray = np.zeros((0, 0), dtype=np.float32)
        self._intercept: FloatArray = np.zeros(0, dtype=np.float32)
        self._char_columns: npt.NDArray[np.bool_] = np.zeros(0, dtype=np.bool_)
        self.temperature = 1.0

    def fit(self, examples: Sequence[Example]) -> IntentClassifier:
        """Learn vocabulary, idf and weights; deterministic for the same examples in the same order."""
        from scipy.sparse import csr_matrix

        if len({e.intent for e in examples}) < 2:
            raise ValueError("need examples of at least two intents")
        counted = [features(e.text, self.config) for e in examples]
        self.vocabulary = {g: i for i, g in enumerate(sorted({g for c in counted for g in c}))}
        document_freq = np.zeros(len(self.vocabulary), dtype=np.float64)
        for counts in counted:
            document_freq[[self.vocabulary[g] for g in counts]] += 1
        self._idf = (np.log((1 + len(counted)) / (1 + document_freq)) + 1).astype(np.float32)
        self._char_columns = np.array([g.startswith("c:") for g in self.vocabulary], dtype=np.bool_)
        rows, cols, vals = [], [], []
        for row, counts in enumerate(counted):
            idx, weights = self._weights(counts)
            rows.extend([row] * len(idx))
            cols.extend(idx.tolist())
            vals.extend(weights.tolist())
        matrix = csr_matrix((vals, (rows, cols)), shape=(len(counted), len(self.vocabulary)))
        labels = np.array([e.intent for e in examples])
        svm = _svm(self.config).fit(matrix, labels)
        self.classes = tuple(str(c) for c in svm.classes_)
        self._coef = np.ascontiguousarray(np.asarray(svm.coef_, dtype=np.float32).T)  # one row per n-gram
        self._intercept = np.asarray(svm.intercept_, dtype=np.float32)
        self.temperature = _fit_temperature(matrix, labels, self.config, self.classes)
        return self

    def _weights(self, counts: Mapping[str, int]) -> tuple[npt.NDArray[np.int64], FloatArray]:
        """Known n-grams as column indices and sublinear tf-idf weights, each block l2-normalised."""
        vocabulary = self.vocabulary
        columns: list[int] = []
        seen: list[int] = []
        for gram, count in counts.items():
            column = vocabulary.get(gram)
            if column is not None:
                columns.append(column)
                seen.append(count)
        if not columns:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        idx = np.array(columns, dtype=np.int64)
        tf = (1.0 + np.log(np.array(seen, dtype=np.float64))).astype(np.float32)  # as math.log, then float32
        weights = tf * self._idf[idx]
        is_char = self._char_columns[idx]
        for mask, scale in ((is_char, 1.0), (~is_char, self.config.word_weight)):
            norm = float(np.sqrt(np.sum(weights[mask] ** 2)))
            if norm > 0:
                weights[mask] *= scale / norm
        return idx, weights

    def predict(self, text: str, top: int | None = None) -> list[IntentScore]:
        """Every intent (or the `top` most likely) with its probability, most likely first."""
        if not self.classes:
            raise RuntimeError("model is not fitted")
        idx, weights = self._weights(features(text, self.config))
        scores = self._intercept + weights @ self._coef[idx] if len(idx) else self._intercept.copy()
        logits = self.temperature * (scores - scores.max())
        probs = np.exp(logits)
        probs /= probs.sum()
        order = np.argsort(-probs, kind="stable")[:top]
        return [IntentScore(self.classes[i], float(probs[i])) for i in order.tolist()]

    def save(self, path: Path) -> None:
        """Write the artefact into directory `path` atomically (a reader never sees half a model)."""
        path.mkdir(parents=True, exist_ok=True)
        vocabulary = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        meta = {
            "format": FORMAT_VERSION,
            "config": asdict(self.config),
            "classes": list(self.classes),
            "temperature": self.temperature,
            "vocabulary": vocabulary,
            "metadata": self.metadata,
        }
        _atomic_write(path / MODEL_JSON, json.dumps(meta, ensure_ascii=False).encode())
        with tempfile.NamedTemporaryFile(dir=path, suffix=".npz", delete=False) as tmp:
            np.savez(tmp, idf=self._idf, coef=self._coef, intercept=self._intercept)
        os.replace(tmp.name, path / MODEL_ARRAYS)

    @classmethod
    def load(cls, path: Path) -> IntentClassifier:
        """Read an artefact written by `save`; raises ValueError when it is from another format."""
        meta = json.loads((path / MODEL_JSON).read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT_VERSION:
            raise ValueError(f"{path}: model format {meta.get('format')}, expected {FORMAT_VERSION}")
        model = cls(FeatureConfig(**meta["config"]))
        model.classes = tuple(meta["classes"])
        model.temperature = float(meta["temperature"])
        model.vocabulary = {g: i for i, g in enumerate(meta["vocabulary"])}
        model.metadata = dict(meta.get("metadata", {}))
        with np.load(path / MODEL_ARRAYS, allow_pickle=False) as arrays:
            model._idf = arrays["idf"].astype(np.float32)
            model._coef = arrays["coef"].astype(np.float32)
            model._intercept = arrays["intercept"].astype(np.float32)
        model._char_columns = np.array([g.startswith("c:") for g in meta["vocabulary"]], dtype=np.bool_)
        if model._coef.shape != (len(model.vocabulary), len(model.classes)):
            raise ValueError(f"{path}: arrays do not match the vocabulary and classes")
        return model


def _svm(config: FeatureConfig) -> Any:
    """The linear SVM for `config` (scikit-learn is imported only when training)."""
    from sklearn.svm import LinearSVC

    weight = "balanced" if config.balanced else None
    return LinearSVC(C=config.c, class_weight=weight, max_iter=5000, random_state=0)


def _fit_temperature(
    matrix: object, labels: npt.NDArray[np.str_], config: FeatureConfig, classes: tuple[str, ...]
) -> float:
    """The softmax temperature that turns SVM scores into honest probabilities (temperature scaling).

    Scores come from 3-fold cross-validation, so the fit sees how sure the model is on text it has
    not been trained on; the threshold for `nlu_fallback` then means the same thing on live text.
    """
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    folds = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)
    scores = cross_val_predict(_svm(config), matrix, labels, cv=folds, method="decision_function")
    gold = np.searchsorted(np.array(classes), labels)
    best, best_loss = 1.0, math.inf
    for temperature in np.geomspace(0.5, 50.0, 60):
        logits = temperature * (scores - scores.max(axis=1, keepdims=True))
        log_probs = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
        loss = float(-log_probs[np.arange(len(gold)), gold].mean())
        if loss < best_loss:
            best, best_loss = float(temperature), loss
    return best


def _atomic_write(target: Path, data: bytes) -> None:
    with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as tmp:
        tmp.write(data)
    os.replace(tmp.name, target)
