"""Foundation: the library loads from the installed package, BLAS works through the ABI, errors are readable."""
import os

import numpy as np
import pytest

import glovev


def test_library_comes_from_the_installed_package():
    if os.environ.get("GLOVEV_EXPECT_PACKAGE_LIB"):
        assert os.path.dirname(glovev.LIBRARY_PATH) == os.path.dirname(glovev.__file__)
    assert glovev.__version__


def test_backend_is_reported():
    b = glovev.blas_backend()
    assert "MKL" in b or "OpenBLAS" in b
    forced = os.environ.get("GLOVEV_BLAS")
    if forced == "openblas":
        assert b.startswith("OpenBLAS")


def test_spd_inverse_matches_closed_form():
    a = np.array([[4.0, 1.5], [1.5, 3.0]])
    det = 4.0 * 3.0 - 1.5 ** 2
    expect = np.array([[3.0, -1.5], [-1.5, 4.0]]) / det
    np.testing.assert_allclose(glovev.pipeline._spd_inverse(a), expect, rtol=1e-14)


def test_spd_inverse_of_laplacian_matches_closed_form():
    n = 25
    lap = 2 * np.eye(n) - np.eye(n, k=1) - np.eye(n, k=-1)
    i, j = np.meshgrid(np.arange(1, n + 1), np.arange(1, n + 1), indexing="ij")
    expect = np.minimum(i, j) * (n + 1 - np.maximum(i, j)) / (n + 1)
    np.testing.assert_allclose(glovev.pipeline._spd_inverse(lap), expect, atol=1e-11)


def test_invalid_argument_gives_readable_error():
    with pytest.raises(glovev.InputError, match="not positive definite"):
        glovev.pipeline._spd_inverse(np.array([[1.0, 2.0], [2.0, 1.0]]))
    with pytest.raises(glovev.GloVeVError):
        glovev.pipeline._spd_inverse(-np.eye(3))
    with pytest.raises(ValueError, match="square"):
        glovev.pipeline._spd_inverse(np.ones((2, 3)))


def test_missing_model_folder_is_a_file_error(tmp_path):
    with pytest.raises(glovev.FileError, match="not found"):
        glovev.Model.load(tmp_path / "nope")
