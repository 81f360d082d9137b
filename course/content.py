"""Content-based recommendation: describe items by features (here, genres), describe each user
by the features of what they liked, recommend the items closest to the user's profile.

A user's profile is the sum of the feature vectors of the items they rated, each weighted by how
much more (or less) they liked it than their own average rating:

    profile(u) = sum_i (r_ui - mean(u)) * f_i,      score(u, i) = cosine(profile(u), f_i)

Disliked items push the profile away from their genres. Nothing here depends on other users: it
works for a catalogue nobody has rated yet, but can only recommend more of the same features.

Example
-------
>>> import numpy as np, pandas as pd, scipy.sparse as sp
>>> genres = pd.DataFrame({"Comedy": [1, 1, 0], "Horror": [0, 0, 1]}, index=[0, 1, 2])
>>> X = sp.csr_matrix(np.array([[5.0, 0.0, 1.0]]))   # loves a comedy, hates the horror film
>>> ContentBased(genres).fit(X).recommend(0, k=1)    # the other comedy
array([1])
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from course.knn import cosine_similarity
from course.recommender import Recommender, center_rows, user_means


class ContentBased(Recommender):
    """Genre (or any feature) profiles and cosine similarity.

    ``item_features``: a DataFrame indexed by item id (e.g. ``course.data.genre_matrix()``), or,
    when fitting on a sparse matrix, an array with one row per item index. ``center=True``
    weights items by the user's mean-centred ratings; ``False`` by the raw values (use it for
    0/1 implicit data).

    Fitted: ``item_features_`` (n_items x n_features, aligned with ``item_ids_``), ``profiles_``.
    """

    def __init__(self, item_features: pd.DataFrame | np.ndarray, center: bool = True) -> None:
        self.item_features = item_features
        self.center = center

    def _fit(self, X: sp.csr_matrix) -> None:
        F = self.item_features
        if isinstance(F, pd.DataFrame):
            missing = np.setdiff1d(self.item_ids_, F.index.to_numpy())
            if len(missing) == len(self.item_ids_):
                raise ValueError("none of the rated items has features: index item_features "
                                 "by item id (e.g. course.data.genre_matrix(movies))")
            F = F.reindex(self.item_ids_).fillna(0).to_numpy(dtype=float)
        else:
            F = np.asarray(F, dtype=float)
            if F.ndim != 2 or F.shape[0] != X.shape[1]:
                raise ValueError(f"item_features needs one row per item ({X.shape[1]}), got "
                                 f"shape {F.shape}")
        self.item_features_ = F
        weights = center_rows(X, user_means(X)) if self.center else X
        self.profiles_ = np.asarray(weights @ F)

    def score(self, users: Any) -> np.ndarray:
        return cosine_similarity(self.profiles_[np.atleast_1d(users)], self.item_features_)
