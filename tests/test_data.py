"""Tests of gdlab.data: synthetic sets, digits split and loaders, MNIST IDX files."""

import gzip
import struct

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression

from gdlab import data


# --------------------------------------------------------------------------- synthetic sets
def test_linear_regression_model_and_noise():
    X, y, w = data.linear_regression(n_samples=20000, n_features=3, noise=0.5, seed=3)
    assert X.shape == (20000, 3) and y.shape == (20000,) and w.shape == (3,)
    assert X.dtype == y.dtype == w.dtype == np.float64
    residual = y - X @ w
    assert abs(residual.std() - 0.5) < 0.02                         # the noise has the stated std
    w_hat = np.linalg.lstsq(X, y, rcond=None)[0]                     # least squares recovers w
    np.testing.assert_allclose(w_hat, w, atol=0.02)


def test_linear_regression_bias_and_seed():
    X, y, w = data.linear_regression(n_samples=50, n_features=2, noise=0.0, seed=1, bias=True)
    assert X.shape == (50, 3) and w.shape == (3,)
    np.testing.assert_array_equal(X[:, 0], 1.0)
    np.testing.assert_allclose(X @ w, y)
    again = data.linear_regression(n_samples=50, n_features=2, noise=0.0, seed=1, bias=True)
    other = data.linear_regression(n_samples=50, n_features=2, noise=0.0, seed=2, bias=True)
    for a, b in zip((X, y, w), again):
        np.testing.assert_array_equal(a, b)
    assert not np.allclose(X, other[0])


@pytest.mark.parametrize("kwargs, error, pattern", [
    ({"n_samples": 0}, ValueError, r"n_samples must be an integer >= 1, got 0"),
    ({"noise": -0.1}, ValueError, r"noise must be a finite number >= 0, got -0\.1"),
    ({"noise": float("nan")}, ValueError, r"noise .* got nan"),
    ({"noise": 10**400}, ValueError, r"noise .* too large for a float"),
    ({"seed": -1}, ValueError, r"seed must be an integer >= 0, got -1"),
    ({"n_features": 1.5}, TypeError, r"n_features must be an integer, got 1\.5 of type float"),
    ({"n_samples": True}, TypeError, r"n_samples must be an integer, got True"),
    ({"noise": "1"}, TypeError, r"noise must be a real number, got '1' of type str"),
    ({"seed": None}, TypeError, r"seed must be an integer >= 0 \(results must be reproducible\), got None"),
    ({"seed": 1.0}, TypeError, r"seed must be an integer, got 1\.0"),
    ({"bias": "yes"}, TypeError, r"bias must be True or False, got 'yes'"),
])
def test_linear_regression_validation(kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        data.linear_regression(**kwargs)


@pytest.mark.parametrize("make", [
    lambda seed: data.linear_regression(seed=seed),
    lambda seed: data.logistic_classification(seed=seed),
    lambda seed: data.sparse_features(seed=seed),
    lambda seed: data.noisy_polynomial(seed=seed),
    lambda seed: data.digits(seed=seed),
    lambda seed: data.digits_loaders(seed=seed),
    lambda seed: data.make_loader(np.zeros((4, 1)), np.zeros(4), shuffle=True, seed=seed),
], ids=["linear_regression", "logistic_classification", "sparse_features", "noisy_polynomial",
        "digits", "digits_loaders", "make_loader"])
def test_every_seed_must_be_an_integer(make):
    with pytest.raises(TypeError, match="seed must be an integer >= 0 .* got None"):
        make(None)
    make(np.int64(3))                                           # NumPy integers are integers


@pytest.mark.parametrize("make", [
    lambda seed: data.linear_regression(seed=seed),
    lambda seed: data.logistic_classification(seed=seed),
    lambda seed: data.sparse_features(seed=seed)[:3],           # [3]: the frequencies, not random
    lambda seed: data.noisy_polynomial(seed=seed),
    lambda seed: data.digits(seed=seed),
], ids=["linear_regression", "logistic_classification", "sparse_features", "noisy_polynomial", "digits"])
def test_same_seed_same_data_other_seed_other_data(make):
    a, b, c = make(0), make(0), make(1)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
    assert all(x.shape == z.shape for x, z in zip(a, c))
    assert all(not np.array_equal(x, z) for x, z in zip(a, c))   # every returned array depends on the seed


def test_numpy_integers_are_accepted():
    X, y, w = data.linear_regression(n_samples=np.int64(5), n_features=np.int32(2), noise=np.float32(0.1))
    assert X.shape == (5, 2)
    loader = data.make_loader(X, y, batch_size=np.int64(2))
    assert [len(b) for b, _ in loader] == [2, 2, 1]


def test_logistic_classification_matches_logistic_model():
    X, y, w = data.logistic_classification(n_samples=20000, n_features=2, seed=0, bias=True)
    assert set(np.unique(y)) == {0.0, 1.0} and X.shape == (20000, 3)
    np.testing.assert_array_equal(X[:, 0], 1.0)
    assert np.isclose(np.linalg.norm(w), 3.0)
    # an (almost) unregularised maximum-likelihood fit recovers the true weights
    fit = LogisticRegression(C=1e6, fit_intercept=False, max_iter=1000).fit(X, y)
    np.testing.assert_allclose(fit.coef_[0], w, atol=0.15)
    # and the label frequency matches the mean predicted probability
    p = 1 / (1 + np.exp(-X @ w))
    assert abs(y.mean() - p.mean()) < 0.015


def test_logistic_classification_validation():
    with pytest.raises(ValueError, match=r"scale must be a finite number >= 0, got -1"):
        data.logistic_classification(scale=-1)
    with pytest.raises(ValueError, match=r"n_features must be an integer >= 1, got 0"):
        data.logistic_classification(n_features=0)


def test_sparse_features_frequencies():
    X, y, w, freq = data.sparse_features(n_samples=40000, n_features=6, seed=0, noise=0.0,
                                         max_frequency=0.6, min_frequency=0.006)
    assert X.shape == (40000, 6) and set(np.unique(X)) <= {0.0, 1.0}
    assert freq[0] == pytest.approx(0.6) and freq[-1] == pytest.approx(0.006)
    ratios = freq[1:] / freq[:-1]
    np.testing.assert_allclose(ratios, 0.1 ** (2 / 5))             # geometric: 100x over 5 steps
    se = np.sqrt(freq * (1 - freq) / 40000)
    assert np.all(np.abs(X.mean(axis=0) - freq) < 5 * se)           # empirical frequencies
    np.testing.assert_allclose(X @ w, y)                            # noise=0: exact linear model


def test_sparse_features_validation():
    with pytest.raises(ValueError, match="0.5 > 0.1"):
        data.sparse_features(min_frequency=0.5, max_frequency=0.1)
    with pytest.raises(ValueError, match="1.5"):
        data.sparse_features(max_frequency=1.5)
    with pytest.raises(ValueError, match="min_frequency=0.0"):
        data.sparse_features(min_frequency=0.0)


def test_noisy_polynomial():
    x, y = data.noisy_polynomial(n_samples=5000, noise=0.2, seed=0, x_range=(-1.0, 2.0))
    assert np.all(np.diff(x) >= 0) and x.min() >= -1.0 and x.max() < 2.0
    assert abs((y - np.sin(2 * np.pi * x)).std() - 0.2) < 0.01
    x2, y2 = data.noisy_polynomial(n_samples=5000, noise=0.2, seed=1, x_range=(-1.0, 2.0))
    assert not np.allclose(x, x2)
    x3, y3 = data.noisy_polynomial(n_samples=7, noise=0.0, function=np.exp)
    np.testing.assert_allclose(y3, np.exp(x3))
    with pytest.raises(ValueError, match=r"\(1.0, 0.0\)"):
        data.noisy_polynomial(x_range=(1.0, 0.0))
    with pytest.raises(ValueError, match="-1"):
        data.noisy_polynomial(noise=-1)


# --------------------------------------------------------------------------- digits
def test_digits_split_is_a_stratified_partition():
    s = data.digits(seed=0)
    full = load_digits()
    assert len(s.y_train) + len(s.y_val) + len(s.y_test) == len(full.target) == 1797
    assert (len(s.y_val), len(s.y_test)) == (round(0.15 * 1797), round(0.15 * 1797))
    for X in (s.X_train, s.X_val, s.X_test):
        assert X.dtype == np.float32 and X.shape[1] == 64 and X.min() >= 0 and X.max() <= 1
    # the three parts together are exactly the data set (rows with labels, as multisets)
    rows = np.hstack([np.vstack([s.X_train, s.X_val, s.X_test]) * 16,
                      np.concatenate([s.y_train, s.y_val, s.y_test])[:, None]])
    ref = np.hstack([full.data, full.target[:, None]])
    np.testing.assert_array_equal(np.unique(rows, axis=0), np.unique(ref, axis=0))
    # stratified: class counts agree with the whole set's proportions to within 2 images
    overall = np.bincount(full.target) / len(full.target)
    for y in (s.y_train, s.y_val, s.y_test):
        assert np.all(np.abs(np.bincount(y, minlength=10) - overall * len(y)) <= 2.0)


def test_digits_seeded():
    a, b, c = data.digits(seed=0), data.digits(seed=0), data.digits(seed=1)
    np.testing.assert_array_equal(a.X_train, b.X_train)
    np.testing.assert_array_equal(a.y_test, b.y_test)
    assert not np.array_equal(a.y_test, c.y_test)


def test_digits_empty_parts_and_validation():
    s = data.digits(val_fraction=0.0, test_fraction=0.2)
    assert s.X_val.shape == (0, 64) and len(s.y_train) + len(s.y_test) == 1797
    for kwargs, bad in [({"val_fraction": 1.0}, "1.0"), ({"test_fraction": -0.1}, "-0.1"),
                        ({"val_fraction": 0.6, "test_fraction": 0.4}, "0.6"),
                        ({"val_fraction": 0.002}, "0.002")]:
        with pytest.raises(ValueError, match=bad):
            data.digits(**kwargs)
    with pytest.raises(TypeError, match="test_fraction must be a real number, got '0.1'"):
        data.digits(test_fraction="0.1")


def test_digits_loaders():
    train, val, test = data.digits_loaders(batch_size=100, seed=0)
    assert len(train.dataset) == 1257 and len(train) == 13 and len(val) == 3
    x, y = next(iter(train))
    assert x.dtype == torch.float32 and y.dtype == torch.int64 and tuple(x.shape) == (100, 64)
    # validation order is the array order (no shuffling)
    s = data.digits(seed=0)
    np.testing.assert_array_equal(torch.cat([yb for _, yb in val]).numpy(), s.y_val)
    assert data.digits_loaders(val_fraction=0.0)[1] is None
    with pytest.raises(ValueError, match="batch_size .* got 0"):
        data.digits_loaders(batch_size=0)


def _order(loader):
    return torch.cat([yb for _, yb in loader]).tolist()


def test_make_loader_seeded_shuffling_leaves_global_rng_alone():
    X, y = np.arange(40.0).reshape(20, 2), np.arange(20)
    state = torch.get_rng_state()
    a = data.make_loader(X, y, batch_size=6, shuffle=True, seed=5)
    b = data.make_loader(X, y, batch_size=6, shuffle=True, seed=5)
    epochs_a = [_order(a) for _ in range(3)]
    assert epochs_a == [_order(b) for _ in range(3)]                 # same seed, same epochs
    assert epochs_a[0] != epochs_a[1]                                  # reshuffled every epoch
    assert sorted(epochs_a[0]) == list(range(20))
    assert _order(data.make_loader(X, y, 6, shuffle=True, seed=6)) != epochs_a[0]
    assert torch.equal(torch.get_rng_state(), state)                   # global RNG untouched
    assert _order(data.make_loader(X, y, 6)) == list(range(20))
    sizes = [len(yb) for _, yb in data.make_loader(X, y, 6, drop_last=True)]
    assert sizes == [6, 6, 6]


@pytest.mark.parametrize("batch_size", [0, -3])
def test_make_loader_bad_batch_size(batch_size):
    with pytest.raises(ValueError, match=f"batch_size must be an integer >= 1, got {batch_size!r}"):
        data.make_loader(np.zeros((4, 1)), np.zeros(4), batch_size=batch_size)


@pytest.mark.parametrize("batch_size", [2.5, True, "8"])
def test_make_loader_batch_size_of_the_wrong_type(batch_size):
    with pytest.raises(TypeError, match=f"batch_size must be an integer, got {batch_size!r}"):
        data.make_loader(np.zeros((4, 1)), np.zeros(4), batch_size=batch_size)


def test_make_loader_length_mismatch():
    with pytest.raises(ValueError, match="5 and 4"):
        data.make_loader(np.zeros((5, 1)), np.zeros(4))


# --------------------------------------------------------------------------- IDX files
def _mnist_like_bytes(images):
    """IDX bytes built by hand from the format description (independent of write_idx)."""
    n, rows, cols = images.shape
    return struct.pack(">BBBBIII", 0, 0, 0x08, 3, n, rows, cols) + images.astype(np.uint8).tobytes()


def test_read_idx_hand_made_ubyte_plain_and_gzip(tmp_path):
    images = np.random.default_rng(0).integers(0, 256, size=(3, 4, 5), dtype=np.uint8)
    raw = _mnist_like_bytes(images)
    (tmp_path / "plain").write_bytes(raw)
    (tmp_path / "packed").write_bytes(gzip.compress(raw))            # gzip found by content
    for name in ("plain", "packed"):
        out = data.read_idx(tmp_path / name)
        assert out.dtype == np.uint8 and out.shape == (3, 4, 5)
        np.testing.assert_array_equal(out, images)
    labels = struct.pack(">BBBBI", 0, 0, 8, 1, 4) + bytes([7, 2, 1, 0])
    (tmp_path / "labels").write_bytes(labels)
    assert data.read_idx(tmp_path / "labels").tolist() == [7, 2, 1, 0]


@pytest.mark.parametrize("dtype", ["uint8", "int8", "int16", "int32", "float32", "float64"])
@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_idx_round_trip(tmp_path, dtype, suffix):
    rng = np.random.default_rng(1)
    array = (rng.standard_normal((2, 3, 4)) * 50).astype(dtype)
    path = tmp_path / f"a-idx3{suffix}"
    data.write_idx(path, array)
    raw = path.read_bytes()
    assert (raw[:2] == b"\x1f\x8b") == (suffix == ".gz")
    out = data.read_idx(path)
    assert out.dtype == np.dtype(dtype) and out.dtype.isnative
    np.testing.assert_array_equal(out, array)


def test_write_idx_is_big_endian(tmp_path):
    data.write_idx(tmp_path / "x", np.array([1, 256], dtype=np.int32))
    assert (tmp_path / "x").read_bytes() == bytes([0, 0, 0x0C, 1, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 1, 0])


@pytest.mark.parametrize("raw, message", [
    (b"", "shorter than the 4-byte magic"),
    (b"\x01\x00\x08\x01" + struct.pack(">I", 1) + b"\x05", "magic number 0x01000801"),
    (b"\x00\x00\x07\x01" + struct.pack(">I", 1) + b"\x05", "unknown IDX type code 0x07"),
    (b"\x00\x00\x08\x03" + struct.pack(">I", 2), "truncated header"),
    (b"\x00\x00\x08\x01" + struct.pack(">I", 5) + b"\x01\x02", "size mismatch: header says shape \\(5,\\)"),
    (b"\x00\x00\x08\x01" + struct.pack(">I", 1) + b"\x01\x02", "file has 10 bytes"),
])
def test_read_idx_errors(tmp_path, raw, message):
    path = tmp_path / "bad-idx"
    path.write_bytes(raw)
    with pytest.raises(ValueError, match=message):
        data.read_idx(path)
    gz = tmp_path / "bad-idx.gz"
    gz.write_bytes(gzip.compress(raw))
    with pytest.raises(ValueError, match=message):
        data.read_idx(gz)


def test_read_idx_corrupt_gzip_and_missing(tmp_path):
    (tmp_path / "c.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    with pytest.raises(ValueError, match="corrupt gzip"):
        data.read_idx(tmp_path / "c.gz")
    with pytest.raises(FileNotFoundError):
        data.read_idx(tmp_path / "nope")


def test_write_idx_errors(tmp_path):
    with pytest.raises(ValueError, match="int64"):
        data.write_idx(tmp_path / "x", np.arange(3, dtype=np.int64))
    with pytest.raises(ValueError, match="ndim=0"):
        data.write_idx(tmp_path / "x", np.array(3, dtype=np.uint8))


def test_load_mnist(tmp_path):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(5, 28, 28), dtype=np.uint8)
    (tmp_path / "train-images-idx3-ubyte.gz").write_bytes(gzip.compress(_mnist_like_bytes(images)))
    (tmp_path / "train-labels-idx1-ubyte").write_bytes(
        struct.pack(">BBBBI", 0, 0, 8, 1, 5) + bytes([5, 0, 4, 1, 9]))
    X, y = data.load_mnist(tmp_path, kind="train")
    assert X.shape == (5, 784) and X.dtype == np.float32 and y.dtype == np.int64
    np.testing.assert_allclose(X, images.reshape(5, -1) / 255.0, rtol=1e-6)
    assert y.tolist() == [5, 0, 4, 1, 9]
    with pytest.raises(FileNotFoundError, match="t10k-images-idx3-ubyte"):
        data.load_mnist(tmp_path, kind="test")
    with pytest.raises(ValueError, match="'valid'"):
        data.load_mnist(tmp_path, kind="valid")
    (tmp_path / "train-labels-idx1-ubyte").write_bytes(struct.pack(">BBBBI", 0, 0, 8, 1, 2) + bytes([5, 0]))
    with pytest.raises(ValueError, match=r"\(5, 28, 28\) and \(2,\)"):
        data.load_mnist(tmp_path)


def test_batch_indices_partition_every_epoch_and_reshuffle():
    from gdlab.data import batch_indices

    rng = np.random.default_rng(0)
    first = batch_indices(103, 10, rng)
    second = batch_indices(103, 10, rng)
    assert [len(b) for b in first] == [10] * 10 + [3]
    for epoch in (first, second):
        assert sorted(np.concatenate(epoch).tolist()) == list(range(103))
    assert not np.array_equal(np.concatenate(first), np.concatenate(second)), "epochs must be shuffled afresh"
    again = batch_indices(103, 10, np.random.default_rng(0))
    assert all(np.array_equal(a, b) for a, b in zip(first, again)), "same seed, same batches"
    assert [b.tolist() for b in batch_indices(4, 10, None, shuffle=False)] == [[0, 1, 2, 3]]


@pytest.mark.parametrize("kwargs, error, message", [
    ({"n_samples": 0, "batch_size": 2}, ValueError, "n_samples must be an integer >= 1, got 0"),
    ({"n_samples": 5, "batch_size": 2.5}, TypeError, "batch_size must be an integer, got 2.5"),
    ({"n_samples": 5, "batch_size": 2, "rng": 0}, TypeError, "rng must be a numpy.random.Generator, got int"),
])
def test_batch_indices_bad_input(kwargs, error, message):
    from gdlab.data import batch_indices

    kwargs.setdefault("rng", np.random.default_rng(0))
    with pytest.raises(error, match=message):
        batch_indices(**kwargs)


def test_nothing_downloads_with_sockets_blocked(tmp_path, monkeypatch):
    """digits() and load_mnist() work offline: any attempt to open a socket fails the test."""
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("gdlab.data tried to open a network connection")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    with pytest.raises(AssertionError, match="network"):                 # the block works
        socket.create_connection(("example.org", 80))
    s = data.digits(seed=0)
    assert len(s.y_train) + len(s.y_val) + len(s.y_test) == 1797
    data.write_idx(tmp_path / "t10k-images-idx3-ubyte.gz", np.zeros((2, 28, 28), np.uint8))
    data.write_idx(tmp_path / "t10k-labels-idx1-ubyte", np.array([1, 7], np.uint8))
    X, y = data.load_mnist(tmp_path, kind="test")
    assert X.shape == (2, 784) and y.tolist() == [1, 7]


def test_results_are_named_tuples():
    problem = data.linear_regression(n_samples=10, seed=3)
    X, y, w = problem
    assert problem.X is X and problem.y is y and problem.w_true is w
    assert data.logistic_classification(n_samples=10, seed=3)._fields == ("X", "y", "w_true")
    sparse = data.sparse_features(n_samples=10, n_features=4, seed=3)
    assert sparse._fields == ("X", "y", "w_true", "frequencies") and sparse.frequencies.shape == (4,)
    curve = data.noisy_polynomial(n_samples=5, seed=3)
    assert curve._fields == ("x", "y") and np.all(np.diff(curve.x) >= 0)
