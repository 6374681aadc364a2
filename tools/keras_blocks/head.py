"""Classifier head as in keras.applications: GlobalAveragePooling2D("avg_pool") + Dense("predictions")."""
from keras import layers

POOLED_LAYER = "avg_pool"
LOGITS_LAYER = "predictions"


def classifier_head(x, rec, classes, softmax=True, pooling="avg"):
    """Records one `head` block named "head"; the nodes between the last block and the pooling
    (e.g. ResNetV2 post_bn/post_relu, InceptionResNetV2 conv_7b) belong to it too."""
    if pooling == "avg":
        x = layers.GlobalAveragePooling2D(name=POOLED_LAYER)(x)
    else:
        x = layers.GlobalMaxPooling2D(name=POOLED_LAYER)(x)
    x = layers.Dense(classes, activation="softmax" if softmax else None, name=LOGITS_LAYER)(x)
    rec.add("head", "classifier", "head", pooling=pooling, classes=classes, softmax=softmax)
    return x
