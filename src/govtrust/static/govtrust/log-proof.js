// The log page: a record's inclusion proof checked in the browser, no command line needed.
//   1. commitment = HMAC-SHA256(salt, view_canonical) equals the one in leaf_data;
//   2. leaf_hash = SHA-256(0x00 || leaf_data);
//   3. the root recomputed from leaf_hash and audit_path (RFC 9162 §2.1.3.2, the algorithm of
//      govtrust/ledger/merkle.py) equals the signed checkpoint's root;
//   4. the checkpoint's Ed25519 signature (over its canonical JSON without `signature`) checks
//      with the log key named by key_id, whose range covers the checkpoint's size.
// Web Crypto does the hashing and the signature; browsers without Ed25519 get steps 1-3.
(function () {
  "use strict";
  var box = document.getElementById("proof-check");
  if (!box) return;
  var form = document.getElementById("proof-form");
  var pasted = document.getElementById("proof-json");
  var steps = document.getElementById("proof-steps");
  var result = document.getElementById("proof-result");
  var subtle = window.crypto && window.crypto.subtle;
  var encoder = new TextEncoder();

  function hex(buffer) {
    var bytes = new Uint8Array(buffer), out = "";
    for (var i = 0; i < bytes.length; i++) out += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
    return out;
  }
  function unhex(text) {
    if (typeof text !== "string" || !/^([0-9a-f]{2})*$/i.test(text)) throw new Error("十六进制数据格式不对");
    var out = new Uint8Array(text.length / 2);
    for (var i = 0; i < out.length; i++) out[i] = parseInt(text.substr(i * 2, 2), 16);
    return out;
  }
  function concat(parts) {
    var size = parts.reduce(function (n, p) { return n + p.length; }, 0);
    var out = new Uint8Array(size), at = 0;
    parts.forEach(function (p) { out.set(p, at); at += p.length; });
    return out;
  }
  function sha256(bytes) {
    return subtle.digest("SHA-256", bytes).then(function (d) { return new Uint8Array(d); });
  }
  function leafHash(bytes) { return sha256(concat([new Uint8Array([0]), bytes])); }
  function nodeHash(left, right) { return sha256(concat([new Uint8Array([1]), left, right])); }
  function same(a, b) {
    if (a.length !== b.length) return false;
    for (var i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  // Canonical JSON as the platform signs it: keys sorted, no spaces, non-ASCII kept.
  function canonical(value) {
    if (Array.isArray(value)) return "[" + value.map(canonical).join(",") + "]";
    if (value && typeof value === "object") {
      return "{" + Object.keys(value).sort().map(function (k) {
        return JSON.stringify(k) + ":" + canonical(value[k]);
      }).join(",") + "}";
    }
    return JSON.stringify(value);
  }

  // RFC 9162 §2.1.3.2: the root that `path` leads to from leaf `index` of a tree of `size`.
  function rootFromPath(leaf, index, size, path) {
    if (!(index >= 0 && index < size)) return Promise.reject(new Error("叶子序号不在日志范围内"));
    var fn = index, sn = size - 1, r = Promise.resolve(leaf);
    for (var i = 0; i < path.length; i++) {
      if (sn === 0) return Promise.resolve(null);
      var p = path[i];
      if (fn % 2 === 1 || fn === sn) {
        r = r.then(function (p, h) { return nodeHash(p, h); }.bind(null, p));
        if (fn % 2 === 0) {
          while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
        }
      } else {
        r = r.then(function (p, h) { return nodeHash(h, p); }.bind(null, p));
      }
      fn = Math.floor(fn / 2);
      sn = Math.floor(sn / 2);
    }
    return r.then(function (h) { return sn === 0 ? h : null; });
  }

  function spki(pem) {
    var body = String(pem || "").replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
    var raw = atob(body), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }
  function base64(text) {
    var raw = atob(text || ""), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }

  function line(text, kind) {
    var li = document.createElement("li");
    li.textContent = text;
    li.className = kind;
    steps.appendChild(li);
  }
  function verdict(text, kind) {
    result.textContent = text;
    result.className = kind;
  }

  function checkSignature(checkpoint, keys) {
    var size = checkpoint.size;
    var key = (keys || []).filter(function (k) {
      var until = k.valid_until_size;
      return k.key_id === checkpoint.key_id && k.valid_from_size <= size &&
        (until === null || until === undefined || size <= until);
    })[0];
    if (!key) return Promise.resolve({ ok: false, text: "签名：检查点的密钥标识 " + checkpoint.key_id + " 不在本站公布的签名密钥中，或检查点大小不在该密钥的有效范围内" });
    var der = spki(key.public_key_pem);
    var body = {};
    Object.keys(checkpoint).forEach(function (k) { if (k !== "signature") body[k] = checkpoint[k]; });
    // The key id is the first 16 hex digits of SHA-256 of the raw public key (the DER's last 32 bytes).
    return sha256(der.slice(der.length - 32)).then(function (digest) {
      if (hex(digest).slice(0, 16) !== key.key_id) {
        return { ok: false, text: "签名：公布的公钥与其密钥标识不符" };
      }
      return subtle.importKey("spki", der, { name: "Ed25519" }, false, ["verify"]).then(function (imported) {
        return subtle.verify({ name: "Ed25519" }, imported, base64(checkpoint.signature), encoder.encode(canonical(body)));
      }).then(function (valid) {
        return valid
          ? { ok: true, text: "签名：检查点由密钥 " + key.key_id + " 以 Ed25519 签名，签名有效" }
          : { ok: false, text: "签名：检查点的 Ed25519 签名无效" };
      }, function () {
        return { ok: null, text: "签名：此浏览器的 Web Crypto 不支持 Ed25519，未能在页面中核验签名；根哈希已核验，签名请用下方命令行方法核验" };
      });
    });
  }

  function verify(proof, keys) {
    steps.innerHTML = "";
    verdict("正在核验……", "");
    var checkpoint = proof.checkpoint || {};
    var leafBytes = encoder.encode(String(proof.leaf_data || ""));
    var leaf;
    try { leaf = JSON.parse(proof.leaf_data); } catch (e) { leaf = {}; }
    var ok = true, partial = false;
    var chain = Promise.resolve();
    if (proof.salt !== undefined && proof.view_canonical !== undefined) {
      chain = subtle.importKey("raw", unhex(proof.salt), { name: "HMAC", hash: "SHA-256" }, false, ["sign"])
        .then(function (key) { return subtle.sign("HMAC", key, encoder.encode(proof.view_canonical)); })
        .then(function (mac) {
          var good = hex(mac) === leaf.commitment;
          ok = ok && good;
          line(good ? "承诺值：公示内容与盐值算出的承诺值与日志叶子中的一致（记录 " + (leaf.record || "") + "）"
                    : "承诺值：公示内容与日志叶子中的承诺值不符", good ? "ok" : "bad");
        });
    }
    return chain.then(function () { return leafHash(leafBytes); }).then(function (lh) {
      var good = !proof.leaf_hash || hex(lh) === proof.leaf_hash;
      ok = ok && good;
      line(good ? "叶子哈希：SHA-256(0x00 ‖ leaf_data) = " + hex(lh) : "叶子哈希：与证明中的 leaf_hash 不符", good ? "ok" : "bad");
      var path = (proof.audit_path || []).map(unhex);
      return rootFromPath(lh, Number(proof.leaf_index), Number(proof.tree_size), path);
    }).then(function (root) {
      var sizeMatches = Number(proof.tree_size) === Number(checkpoint.size);
      var good = root !== null && sizeMatches && same(root, unhex(String(checkpoint.root || "")));
      ok = ok && good;
      line(good ? "根哈希：由叶子和 " + (proof.audit_path || []).length + " 个审计路径节点算出的根哈希与检查点（" + checkpoint.size + " 条事件）的根哈希一致"
                : "根哈希：由审计路径算出的根哈希与检查点不符，证明不成立", good ? "ok" : "bad");
      return checkSignature(checkpoint, keys);
    }).then(function (signature) {
      if (signature.ok === null) partial = true; else ok = ok && signature.ok;
      line(signature.text, signature.ok === null ? "warn" : signature.ok ? "ok" : "bad");
      if (!ok) verdict("✗ 证明不成立：该记录不在签名的日志中，或证明被改动过。", "bad");
      else if (partial) verdict("! 根哈希成立；签名未能在此浏览器中核验。", "warn");
      else verdict("✓ 证明成立：该记录的公示事件在签名的透明日志中。", "ok");
    }).catch(function (error) {
      verdict("✗ 证明格式不对或核验失败：" + (error && error.message ? error.message : error), "bad");
    });
  }

  function fetchJson(url) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "omit" }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) throw new Error(body.detail || "请求失败（" + response.status + "）");
        return body;
      });
    });
  }
  function keys() {
    return fetchJson(box.dataset.keysApi).then(function (body) { return body.keys; });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!subtle) { verdict("此浏览器（或非 HTTPS 访问）不支持 Web Crypto，请用下方命令行方法核验。", "warn"); return; }
    var number = form.elements.number.value.trim();
    var text = pasted.value.trim();
    var byNumber = !(event.submitter && event.submitter.value === "pasted");
    var proof;
    if (!byNumber) {
      if (!text) { verdict("请先粘贴包含证明（JSON）。", "warn"); return; }
      try { proof = Promise.resolve(JSON.parse(text)); } catch (e) { verdict("✗ 粘贴的内容不是 JSON。", "bad"); return; }
    } else if (number) {
      proof = fetchJson(box.dataset.proofApi.replace("NUMBER", encodeURIComponent(number))).then(function (body) {
        pasted.value = JSON.stringify(body, null, 2);
        return body;
      });
    } else {
      verdict("请填写记录编号，或粘贴包含证明。", "warn");
      return;
    }
    Promise.all([proof, keys()]).then(function (both) { return verify(both[0], both[1]); })
      .catch(function (error) { verdict("✗ " + (error && error.message ? error.message : error), "bad"); });
  });
  if (form.elements.number.value) form.requestSubmit();
})();
