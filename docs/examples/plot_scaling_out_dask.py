"""
Scaling out with Dask
=====================

Two ways to put a Dask cluster to work with skbackprop, here on a small local
cluster of two workers:

- a hyperparameter search whose fits run on the workers: scikit-learn's
  ``GridSearchCV`` under joblib's "dask" backend, unchanged otherwise;
- training on data kept in blocks (a chunked dask array, as data larger than
  memory would be): dask-ml's ``Incremental`` feeds the blocks one at a time
  to ``partial_fit``.

Against a real cluster, only the line that creates the client changes:
``Client("tcp://scheduler-address:8786")``. See the "Scaling out" page.
"""

# %%
# Start a cluster
# ---------------
# Two workers with one thread each. ``processes=False`` keeps the workers as
# threads of this process, which starts in about a second and needs no
# ``if __name__ == "__main__":`` guard; on a real cluster each worker is a
# process of its own, usually on another machine.
import time

import dask.array as da
import joblib
import matplotlib.pyplot as plt
import numpy as np
from dask_ml.wrappers import Incremental
from distributed import Client, LocalCluster
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV, train_test_split

from skbackprop import BackpropClassifier

cluster = LocalCluster(
    n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
)
client = Client(cluster)
client.wait_for_workers(2, timeout=30)
print(f"{len(client.scheduler_info()['workers'])} workers")

X, y = load_digits(return_X_y=True)
X = X / 16.0  # pixel intensities 0..16 to 0..1
X_train, X_test, y_train, y_test = train_test_split(
    X, y, train_size=1400, stratify=y, random_state=0
)

# %%
# A grid search on the cluster
# ----------------------------
# Inside ``joblib.parallel_config(backend="dask")``, the search sends its
# 4 x 3 fits to the workers as tasks; ``n_jobs=-1`` lets it use all of them.
# The scores are exactly those of the same search on one machine.
search = GridSearchCV(
    BackpropClassifier(
        solver="adam",
        learning_rate_init=0.01,
        early_stopping=True,
        random_state=0,
    ),
    {"hidden_layer_sizes": [(16,), (64,)], "alpha": [1e-4, 1e-1]},
    cv=3,
    n_jobs=-1,
)
start = time.perf_counter()
with joblib.parallel_config(backend="dask"):
    search.fit(X_train, y_train)
print(f"grid search: {time.perf_counter() - start:.1f} s")
for params, score in zip(
    search.cv_results_["params"], search.cv_results_["mean_test_score"], strict=True
):
    print(f"  {params}: mean CV accuracy {score:.3f}")
print(f"best: {search.best_params_}, test accuracy {search.score(X_test, y_test):.3f}")

# %%
# Training block by block
# -----------------------
# The training set as a dask array of 100-row blocks. ``Incremental.fit``
# passes the blocks to ``partial_fit`` one after another, with
# ``classes=`` on every call, so a block that lacks some digits is fine.
# Each call to ``Incremental.partial_fit`` is one more pass over all blocks,
# continuing from the weights of the last; we score the test set after each.
X_blocks = da.from_array(X_train, chunks=(100, X.shape[1]))
y_blocks = da.from_array(y_train, chunks=100)
X_test_blocks = da.from_array(X_test, chunks=(100, X.shape[1]))
y_test_blocks = da.from_array(y_test, chunks=100)
print(f"{X_blocks.numblocks[0]} blocks of up to 100 rows")

inc = Incremental(
    BackpropClassifier(
        hidden_layer_sizes=(64,),
        learning_rate_init=0.01,
        batch_size=50,
        random_state=0,
    ),
    scoring="accuracy",
    shuffle_blocks=True,  # a new block order every pass
    random_state=0,
)
classes = np.unique(y)
accuracy = []
for _ in range(5):
    inc.partial_fit(X_blocks, y_blocks, classes=classes)
    accuracy.append(inc.score(X_test_blocks, y_test_blocks))
    print(f"after pass {len(accuracy)}: test accuracy {accuracy[-1]:.3f}")

# %%
# The results
# -----------
fig, (ax_grid, ax_inc) = plt.subplots(1, 2, figsize=(10, 4))
labels = [
    f"{p['hidden_layer_sizes'][0]} units, alpha={p['alpha']:g}"
    for p in search.cv_results_["params"]
]
ax_grid.barh(labels, search.cv_results_["mean_test_score"])
ax_grid.set_xlim(0.8, 1.0)
ax_grid.set_xlabel("mean CV accuracy")
ax_grid.set_title("GridSearchCV on the cluster")
ax_inc.plot(range(1, len(accuracy) + 1), accuracy, marker="o")
ax_inc.set_xticks(range(1, len(accuracy) + 1))
ax_inc.set_xlabel("passes over the blocks")
ax_inc.set_ylabel("test accuracy")
ax_inc.set_title("Incremental, block by block")
fig.tight_layout()
plt.show()

# %%
# Close the client and the cluster.
client.close()
cluster.close()
