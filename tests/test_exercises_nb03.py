"""The self-checks of notebook 03 accept right answers and explain typical wrong ones."""

import numpy as np
import pytest

from course import checks

NB = "03-collaborative-filtering"


def status(name, value):
    return checks.status(name, {name: value}, notebook=NB)


def centred_cosine(a, b):
    ac = np.where(a > 0, a - a[a > 0].mean(), 0.0)
    bc = np.where(b > 0, b - b[b > 0].mean(), 0.0)
    n = np.linalg.norm(ac) * np.linalg.norm(bc)
    return float(ac @ bc / n) if n else 0.0


def sgd_step(r, mu, b_u, b_i, p_u, q_i, lr, reg):
    e = r - (mu + b_u + b_i + p_u @ q_i)
    return (b_u + lr * (e - reg * b_u), b_i + lr * (e - reg * b_i),
            p_u + lr * (e * q_i - reg * p_u), q_i + lr * (e * p_u - reg * q_i))


def stale_sgd_step(r, mu, b_u, b_i, p_u, q_i, lr, reg):
    e = r - (mu + b_u + b_i + p_u @ q_i)
    p_u = p_u + lr * (e * q_i - reg * p_u)
    return (b_u + lr * (e - reg * b_u), b_i + lr * (e - reg * b_i), p_u,
            q_i + lr * (e * p_u - reg * q_i))


def als_user_factors(Q, r, reg):
    return np.linalg.solve(Q.T @ Q + reg * np.eye(Q.shape[1]), Q.T @ r)


@pytest.mark.parametrize("name, value", [("centred_cosine", centred_cosine),
                                         ("sgd_step", sgd_step),
                                         ("als_user_factors", als_user_factors)])
def test_right_answers_pass(name, value):
    assert status(name, value) == ("right", "right.")


def _plain_cosine(a, b):
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def _mean_over_all(a, b):
    ac, bc = np.where(a > 0, a - a.mean(), 0.0), np.where(b > 0, b - b[b > 0].mean(), 0.0)
    return float(ac @ bc / (np.linalg.norm(ac) * np.linalg.norm(bc)))


@pytest.mark.parametrize("name, value, message", [
    ("centred_cosine", _plain_cosine, "plain cosine"),
    ("centred_cosine", _mean_over_all, "rated films only"),
    ("sgd_step", stale_sgd_step, "old one"),
    ("sgd_step", lambda *args: list(sgd_step(*args)), "tuple"),
    ("als_user_factors", lambda Q, r, reg: np.linalg.lstsq(Q, r, rcond=None)[0], "penalty"),
])
def test_wrong_answers_get_a_helpful_message(name, value, message):
    state, text = status(name, value)
    assert state == "wrong" and message in text


def in_place_sgd_step(r, mu, b_u, b_i, p_u, q_i, lr, reg):
    """Right values, but it overwrites the caller's vectors (the exercise forbids it)."""
    new = sgd_step(r, mu, b_u, b_i, p_u, q_i, lr, reg)
    p_u[:], q_i[:] = new[2], new[3]
    return new[0], new[1], p_u, q_i


def als_with_inverse(Q, r, reg):
    return np.linalg.inv(Q.T @ Q + reg * np.eye(Q.shape[1])) @ Q.T @ r


def als_with_renamed_inverse(Q, r, reg):
    from numpy.linalg import inv as invert  # the call is found in the source
    return invert(Q.T @ Q + reg * np.eye(Q.shape[1])) @ (Q.T @ r)


@pytest.mark.parametrize("name, value, message", [
    ("sgd_step", in_place_sgd_step, "in place"),
    ("als_user_factors", als_with_inverse, "np.linalg.solve"),
    ("als_user_factors", als_with_renamed_inverse, "np.linalg.solve"),
])
def test_what_the_exercise_forbids_is_wrong(name, value, message):
    state, text = status(name, value)
    assert state == "wrong" and message in text
