"""Compatibility names: the encoders now live in `embeddings.encoders` (one module per backend).

Kept so code written against the old single module keeps importing; new code imports
`embeddings.encoders`. This module only re-exports (it is imported by nothing in the package).
"""

from embeddings.encoders import (  # noqa: F401
    BUNDLED_MODEL, TRAINED_SEQ_LENGTH, Encoder, Progress, SentenceTransformerEncoder, bundled_model_path,
    choose_device, cjk_share, default_batch_size, default_encoder, encoder_note, l2_normalise,
)
