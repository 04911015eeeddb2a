#!/usr/bin/env python3
"""Writes tiny random Hugging Face checkpoints and the logits Hugging Face's forward pass gives for them.

Each architecture's forward below follows the published transformers implementation step by step (eager attention
path, fp32): GPT2LMHeadModel, LlamaForCausalLM (also Mistral: grouped-query attention; Qwen2: q/k/v bias, tied
embeddings) and BertForSequenceClassification. Weights are drawn with std 0.2 (and norms around 1, non-zero biases) so
that every term moves the logits measurably. Output per case: <case>/config.json, <case>/model.safetensors (written by
hand: 8-byte header length, JSON header, raw little-endian data) and <case>/reference.json (inputs and fp32 logits).

Needs only torch (Debian's python3-torch works). Run from this folder: python3 make_reference.py
"""
import json
import math
import os
import struct

import torch

torch.manual_seed(1234)
MIN = torch.finfo(torch.float32).min


def rand(*shape, scale=0.2):
    return torch.randn(*shape) * scale


def norm_weight(n):
    return 1.0 + rand(n, scale=0.1)


def save_safetensors(path, tensors):
    header, offset, blobs = {}, 0, []
    for name, t in tensors.items():
        data = t.contiguous().numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    header["__metadata__"] = {"format": "pt"}
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * ((8 - len(raw) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for b in blobs:
            f.write(b)


def write_case(name, config, tensors, inputs, logits):
    os.makedirs(name, exist_ok=True)
    with open(os.path.join(name, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    save_safetensors(os.path.join(name, "model.safetensors"), tensors)
    ref = {k: v.tolist() for k, v in inputs.items()}
    ref["logits_shape"] = list(logits.shape)
    ref["logits"] = [round(x, 7) for x in logits.reshape(-1).tolist()]
    with open(os.path.join(name, "reference.json"), "w") as f:
        json.dump(ref, f)


def padding_bias(attention_mask, q_len):
    # transformers' _prepare_4d_attention_mask: (1 - mask) * min, broadcast over heads and queries.
    m = attention_mask[:, None, None, :].to(torch.float32)
    return (1.0 - m) * MIN


def causal_bias(q_len, k_len):
    allowed = torch.tril(torch.ones(q_len, k_len, dtype=torch.bool), diagonal=k_len - q_len)
    return torch.zeros(q_len, k_len).masked_fill(~allowed, MIN)[None, None]


# ---------------------------------------------------------------- GPT-2 (transformers models/gpt2/modeling_gpt2.py)
def gpt2_case():
    d, L, H, V, P = 32, 2, 4, 97, 16
    cfg = {"model_type": "gpt2", "architectures": ["GPT2LMHeadModel"], "vocab_size": V, "n_embd": d, "n_layer": L,
           "n_head": H, "n_positions": P, "n_ctx": P, "activation_function": "gelu_new", "layer_norm_epsilon": 1e-5,
           "resid_pdrop": 0.1, "embd_pdrop": 0.1, "attn_pdrop": 0.1, "bos_token_id": V - 1, "eos_token_id": V - 1}
    # Saved the way the original gpt2 files are: no "transformer." prefix, causal-mask buffers included.
    w = {"wte.weight": rand(V, d), "wpe.weight": rand(P, d)}
    for i in range(L):
        p = f"h.{i}."
        w[p + "ln_1.weight"], w[p + "ln_1.bias"] = norm_weight(d), rand(d, scale=0.1)
        w[p + "attn.c_attn.weight"], w[p + "attn.c_attn.bias"] = rand(d, 3 * d), rand(3 * d, scale=0.1)
        w[p + "attn.c_proj.weight"], w[p + "attn.c_proj.bias"] = rand(d, d), rand(d, scale=0.1)
        w[p + "attn.bias"] = torch.tril(torch.ones(P, P)).view(1, 1, P, P)
        w[p + "ln_2.weight"], w[p + "ln_2.bias"] = norm_weight(d), rand(d, scale=0.1)
        w[p + "mlp.c_fc.weight"], w[p + "mlp.c_fc.bias"] = rand(d, 4 * d), rand(4 * d, scale=0.1)
        w[p + "mlp.c_proj.weight"], w[p + "mlp.c_proj.bias"] = rand(4 * d, d), rand(d, scale=0.1)
    w["ln_f.weight"], w["ln_f.bias"] = norm_weight(d), rand(d, scale=0.1)

    def conv1d(x, W, b):  # transformers.pytorch_utils.Conv1D
        size_out = x.size()[:-1] + (W.size(-1),)
        return torch.addmm(b, x.view(-1, x.size(-1)), W).view(size_out)

    def gelu_new(x):  # transformers.activations.NewGELUActivation
        return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))

    def forward(ids, mask):
        B, T = ids.shape
        h = w["wte.weight"][ids] + w["wpe.weight"][torch.arange(T)][None]
        for i in range(L):
            p = f"h.{i}."
            x = torch.nn.functional.layer_norm(h, (d,), w[p + "ln_1.weight"], w[p + "ln_1.bias"], 1e-5)
            q, k, v = conv1d(x, w[p + "attn.c_attn.weight"], w[p + "attn.c_attn.bias"]).split(d, dim=2)
            q, k, v = (t.view(B, T, H, d // H).permute(0, 2, 1, 3) for t in (q, k, v))
            att = torch.matmul(q, k.transpose(-1, -2)) / torch.full([], (d // H) ** 0.5)
            causal = torch.tril(torch.ones(T, T, dtype=torch.bool))[None, None]
            att = torch.where(causal, att, torch.full([], MIN))
            att = att + padding_bias(mask, T)
            att = torch.softmax(att, dim=-1)
            o = torch.matmul(att, v).permute(0, 2, 1, 3).reshape(B, T, d)
            h = h + conv1d(o, w[p + "attn.c_proj.weight"], w[p + "attn.c_proj.bias"])
            x = torch.nn.functional.layer_norm(h, (d,), w[p + "ln_2.weight"], w[p + "ln_2.bias"], 1e-5)
            h = h + conv1d(gelu_new(conv1d(x, w[p + "mlp.c_fc.weight"], w[p + "mlp.c_fc.bias"])),
                           w[p + "mlp.c_proj.weight"], w[p + "mlp.c_proj.bias"])
        h = torch.nn.functional.layer_norm(h, (d,), w["ln_f.weight"], w["ln_f.bias"], 1e-5)
        return h @ w["wte.weight"].T

    ids = torch.randint(0, V, (2, 7))
    mask = torch.tensor([[1] * 7, [1] * 5 + [0] * 2])
    write_case("gpt2", cfg, w, {"input_ids": ids, "attention_mask": mask}, forward(ids, mask))


# ------------------------------------------- Llama / Mistral / Qwen2 (transformers models/llama/modeling_llama.py)
def llama_case(name, model_type, kv_heads, qkv_bias, tied, theta):
    d, L, H, V, I = 32, 2, 4, 97, 72
    D = d // H
    cfg = {"model_type": model_type, "vocab_size": V, "hidden_size": d, "intermediate_size": I, "num_hidden_layers": L,
           "num_attention_heads": H, "num_key_value_heads": kv_heads, "max_position_embeddings": 64,
           "rms_norm_eps": 1e-6, "rope_theta": theta, "tie_word_embeddings": tied, "hidden_act": "silu"}
    w = {"model.embed_tokens.weight": rand(V, d)}
    for i in range(L):
        p = f"model.layers.{i}."
        w[p + "input_layernorm.weight"] = norm_weight(d)
        w[p + "self_attn.q_proj.weight"] = rand(H * D, d)
        w[p + "self_attn.k_proj.weight"] = rand(kv_heads * D, d)
        w[p + "self_attn.v_proj.weight"] = rand(kv_heads * D, d)
        if qkv_bias:
            for t, n in (("q", H), ("k", kv_heads), ("v", kv_heads)):
                w[p + f"self_attn.{t}_proj.bias"] = rand(n * D, scale=0.1)
        w[p + "self_attn.o_proj.weight"] = rand(d, H * D)
        w[p + "post_attention_layernorm.weight"] = norm_weight(d)
        w[p + "mlp.gate_proj.weight"] = rand(I, d)
        w[p + "mlp.up_proj.weight"] = rand(I, d)
        w[p + "mlp.down_proj.weight"] = rand(d, I)
    w["model.norm.weight"] = norm_weight(d)
    if not tied:
        w["lm_head.weight"] = rand(V, d)

    def rms(x, weight):  # LlamaRMSNorm
        var = x.to(torch.float32).pow(2).mean(-1, keepdim=True)
        return weight * (x * torch.rsqrt(var + 1e-6))

    def linear(x, prefix):
        return torch.nn.functional.linear(x, w[prefix + ".weight"], w.get(prefix + ".bias"))

    def rotate_half(x):
        x1, x2 = x[..., : x.shape[-1] // 2], x[..., x.shape[-1] // 2:]
        return torch.cat((-x2, x1), dim=-1)

    inv_freq = 1.0 / (theta ** (torch.arange(0, D, 2, dtype=torch.int64).float() / D))

    def forward(ids, mask):
        B, T = ids.shape
        pos = torch.arange(T)[None].expand(B, T)
        freqs = (inv_freq[None, :, None].float() @ pos[:, None, :].float()).transpose(1, 2)
        emb = torch.cat((freqs, freqs), dim=-1)
        cos, sin = emb.cos()[:, None], emb.sin()[:, None]
        bias = causal_bias(T, T) + padding_bias(mask, T)
        bias = bias.clamp(min=MIN)
        h = w["model.embed_tokens.weight"][ids]
        for i in range(L):
            p = f"model.layers.{i}."
            x = rms(h, w[p + "input_layernorm.weight"])
            q = linear(x, p + "self_attn.q_proj").view(B, T, H, D).transpose(1, 2)
            k = linear(x, p + "self_attn.k_proj").view(B, T, kv_heads, D).transpose(1, 2)
            v = linear(x, p + "self_attn.v_proj").view(B, T, kv_heads, D).transpose(1, 2)
            q, k = q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin
            k = k.repeat_interleave(H // kv_heads, dim=1)  # repeat_kv
            v = v.repeat_interleave(H // kv_heads, dim=1)
            att = torch.matmul(q, k.transpose(2, 3)) * D ** -0.5 + bias
            att = torch.softmax(att, dim=-1, dtype=torch.float32)
            o = torch.matmul(att, v).transpose(1, 2).reshape(B, T, H * D)
            h = h + linear(o, p + "self_attn.o_proj")
            x = rms(h, w[p + "post_attention_layernorm.weight"])
            g = torch.nn.functional.silu(linear(x, p + "mlp.gate_proj")) * linear(x, p + "mlp.up_proj")
            h = h + linear(g, p + "mlp.down_proj")
        h = rms(h, w["model.norm.weight"])
        return h @ (w["model.embed_tokens.weight"] if tied else w["lm_head.weight"]).T

    ids = torch.randint(0, V, (2, 9))
    mask = torch.tensor([[1] * 9, [1] * 6 + [0] * 3])
    write_case(name, cfg, w, {"input_ids": ids, "attention_mask": mask}, forward(ids, mask))


# ------------------------------------------------------------------- BERT (transformers models/bert/modeling_bert.py)
def bert_case():
    d, L, H, V, I, P, labels = 32, 2, 4, 97, 64, 40, 3
    D = d // H
    cfg = {"model_type": "bert", "architectures": ["BertForSequenceClassification"], "vocab_size": V,
           "hidden_size": d, "num_hidden_layers": L, "num_attention_heads": H, "intermediate_size": I,
           "hidden_act": "gelu", "max_position_embeddings": P, "type_vocab_size": 2, "layer_norm_eps": 1e-12,
           "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1, "pad_token_id": 0,
           "id2label": {str(i): f"LABEL_{i}" for i in range(labels)},
           "label2id": {f"LABEL_{i}": i for i in range(labels)}}
    w = {"bert.embeddings.word_embeddings.weight": rand(V, d),
         "bert.embeddings.position_embeddings.weight": rand(P, d),
         "bert.embeddings.token_type_embeddings.weight": rand(2, d),
         "bert.embeddings.LayerNorm.weight": norm_weight(d), "bert.embeddings.LayerNorm.bias": rand(d, scale=0.1)}
    for i in range(L):
        p = f"bert.encoder.layer.{i}."
        for n in ("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"):
            w[p + n + ".weight"], w[p + n + ".bias"] = rand(d, d), rand(d, scale=0.1)
        w[p + "attention.output.LayerNorm.weight"] = norm_weight(d)
        w[p + "attention.output.LayerNorm.bias"] = rand(d, scale=0.1)
        w[p + "intermediate.dense.weight"], w[p + "intermediate.dense.bias"] = rand(I, d), rand(I, scale=0.1)
        w[p + "output.dense.weight"], w[p + "output.dense.bias"] = rand(d, I), rand(d, scale=0.1)
        w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"] = norm_weight(d), rand(d, scale=0.1)
    w["bert.pooler.dense.weight"], w["bert.pooler.dense.bias"] = rand(d, d), rand(d, scale=0.1)
    w["classifier.weight"], w["classifier.bias"] = rand(labels, d), rand(labels, scale=0.1)

    def linear(x, prefix):
        return torch.nn.functional.linear(x, w[prefix + ".weight"], w[prefix + ".bias"])

    def ln(x, prefix):
        return torch.nn.functional.layer_norm(x, (d,), w[prefix + ".weight"], w[prefix + ".bias"], 1e-12)

    def forward(ids, mask, types):
        B, T = ids.shape
        e = "bert.embeddings."
        h = (w[e + "word_embeddings.weight"][ids] + w[e + "token_type_embeddings.weight"][types]
             + w[e + "position_embeddings.weight"][torch.arange(T)][None])
        h = ln(h, e + "LayerNorm")
        bias = padding_bias(mask, T)
        for i in range(L):
            p = f"bert.encoder.layer.{i}."
            q, k, v = (linear(h, p + f"attention.self.{n}").view(B, T, H, D).permute(0, 2, 1, 3)
                       for n in ("query", "key", "value"))
            att = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(D) + bias
            att = torch.softmax(att, dim=-1)
            ctx = torch.matmul(att, v).permute(0, 2, 1, 3).reshape(B, T, d)
            a = ln(linear(ctx, p + "attention.output.dense") + h, p + "attention.output.LayerNorm")
            inter = torch.nn.functional.gelu(linear(a, p + "intermediate.dense"))
            h = ln(linear(inter, p + "output.dense") + a, p + "output.LayerNorm")
        pooled = torch.tanh(linear(h[:, 0], "bert.pooler.dense"))
        return linear(pooled, "classifier")

    ids = torch.randint(1, V, (2, 8))
    mask = torch.tensor([[1] * 8, [1] * 5 + [0] * 3])
    types = torch.tensor([[0] * 4 + [1] * 4, [0] * 8])
    write_case("bert", cfg, w, {"input_ids": ids, "attention_mask": mask, "token_type_ids": types},
               forward(ids, mask, types))


if __name__ == "__main__":
    with torch.no_grad():
        gpt2_case()
        llama_case("llama", "llama", kv_heads=4, qkv_bias=False, tied=False, theta=10000.0)
        llama_case("mistral", "mistral", kv_heads=2, qkv_bias=False, tied=False, theta=10000.0)
        llama_case("qwen2", "qwen2", kv_heads=2, qkv_bias=True, tied=True, theta=1000000.0)
        bert_case()
