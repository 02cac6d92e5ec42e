/*
 * 匠心点单 web chat client.
 *
 * Plain ES5 with no dependencies, so it runs in WeChat's built-in browser and other
 * older WebViews. The server speaks JSON over one WebSocket (see handlers/web/convert.py
 * for what we send, handlers/web/messages.py for what we receive). Bot text is a small
 * HTML subset; it is rebuilt element by element from a whitelist and never assigned
 * with innerHTML.
 */
(function () {
  'use strict';

  var T = {};
  try {
    T = JSON.parse(document.getElementById('jx-texts').textContent || '{}');
  } catch (e) { T = {}; }

  function tr(key, n) {
    var s = T[key] || key;
    return n === undefined ? s : s.replace('{n}', String(n));
  }

  function byId(id) { return document.getElementById(id); }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.appendChild(document.createTextNode(text)); }
    return node;
  }

  var logEl = byId('log');
  var input = byId('input');
  var form = byId('composer');
  var sendBtn = byId('send');
  var statusEl = byId('status');
  var keyboardEl = byId('keyboard');
  var menuEl = byId('menu');
  var menuToggle = byId('menu-toggle');
  var toastEl = byId('toast');
  var alertEl = byId('alert');

  var ws = null;
  var connected = false;
  var failures = 0;
  var reconnectTimer = null;
  var startPayload = readStartPayload();
  var nodes = {};        // message id -> element
  var keyboard = null;   // the reply keyboard in force (rows of keys) or null
  var keyboardFrom = 0;  // id of the message that set it
  var keyboardCollapsed = false;
  var toastTimer = null;

  /* ---------------------------------------------------------------- HTML subset */

  var ALLOWED = {
    b: 'b', strong: 'b', i: 'i', em: 'i', u: 'u', ins: 'u', s: 's', strike: 's', del: 's',
    code: 'code', pre: 'pre', a: 'a', blockquote: 'blockquote'
  };
  var NAMED = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

  function fromCodePoint(cp) {
    if (isNaN(cp) || cp < 0 || cp > 0x10ffff) { return '\ufffd'; }
    if (cp <= 0xffff) { return String.fromCharCode(cp); }
    cp -= 0x10000;
    return String.fromCharCode(0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
  }

  function decodeEntities(s) {
    return s.replace(/&(#[xX][0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, function (all, body) {
      if (body.charAt(0) === '#') {
        var hex = body.charAt(1) === 'x' || body.charAt(1) === 'X';
        return fromCodePoint(parseInt(body.slice(hex ? 2 : 1), hex ? 16 : 10));
      }
      var named = NAMED[body.toLowerCase()];
      return named === undefined ? all : named;
    });
  }

  function safeUrl(raw) {
    var url = decodeEntities(raw || '').replace(/^\s+|\s+$/g, '');
    return /^https?:\/\//i.test(url) ? url : null;
  }

  function makeElement(name, attrs) {
    var node = document.createElement(ALLOWED[name]);
    if (name === 'a') {
      var m = /href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/i.exec(attrs || '');
      var href = m ? safeUrl(m[1] || m[2] || m[3]) : null;
      if (href) {
        node.setAttribute('href', href);
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', 'noopener noreferrer');
      }
    }
    return node;
  }

  /* Rebuild the whitelisted subset; any other tag is dropped and its text kept. */
  function renderHtml(text, parent) {
    var tag = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)([^<>]*)>/g;
    var stack = [parent];
    var names = [''];
    var last = 0;
    var m;
    while ((m = tag.exec(text)) !== null) {
      appendText(stack[stack.length - 1], text.slice(last, m.index));
      last = tag.lastIndex;
      var name = m[2].toLowerCase();
      if (!ALLOWED.hasOwnProperty(name)) { continue; }
      if (m[1] === '/') {
        for (var i = stack.length - 1; i > 0; i--) {
          if (names[i] === name) { stack.length = i; names.length = i; break; }
        }
      } else {
        var node = makeElement(name, m[3]);
        stack[stack.length - 1].appendChild(node);
        stack.push(node);
        names.push(name);
      }
    }
    appendText(stack[stack.length - 1], text.slice(last));
  }

  function appendText(parent, s) {
    if (s) { parent.appendChild(document.createTextNode(decodeEntities(s))); }
  }

  /* ---------------------------------------------------------------- messages */

  function pad(n) { return n < 10 ? '0' + n : String(n); }

  function timeOf(ms) {
    var d = new Date(ms);
    return isNaN(d.getTime()) ? '' : pad(d.getHours()) + ':' + pad(d.getMinutes());
  }

  function renderMessage(m) {
    var row = el('div', 'msg ' + (m.role === 'user' ? 'msg-user' : 'msg-bot'));
    row.setAttribute('data-id', String(m.id));
    var bubble = el('div', 'bubble');
    var text = el('div', 'text');
    if (m.role === 'user') {
      text.appendChild(document.createTextNode(m.text || ''));
    } else {
      renderHtml(m.text || '', text);
    }
    bubble.appendChild(text);
    var images = m.images || [];
    for (var k = 0; k < images.length; k++) {
      if (/^\/chat\/photo\/\d+$/.test(images[k])) {  // our own URLs only
        var img = el('img', 'thumb');
        img.setAttribute('src', images[k]);
        img.setAttribute('alt', '');
        img.setAttribute('loading', 'lazy');
        bubble.appendChild(img);
      }
    }
    if (m.photos > images.length) {
      bubble.appendChild(el('div', 'note', tr('photos', m.photos - images.length)));
    }
    if (m.document) {
      var name = m.document.filename || '';
      if (m.document.url) {
        var link = el('a', 'doc', '📎 ' + tr('download') + ' ' + name);
        link.setAttribute('href', m.document.url);
        link.setAttribute('download', name);
        bubble.appendChild(link);
      } else {
        bubble.appendChild(el('div', 'note', '📎 ' + name));
      }
      if (m.document.caption) { bubble.appendChild(el('div', 'note', m.document.caption)); }
    }
    if (m.buttons && m.buttons.length) {
      bubble.appendChild(renderInlineButtons(m));
    }
    var meta = timeOf(m.at);
    if (m.edited) { meta = (meta ? meta + ' · ' : '') + tr('edited'); }
    if (meta) { bubble.appendChild(el('div', 'meta', meta)); }
    row.appendChild(bubble);
    return row;
  }

  function renderInlineButtons(m) {
    var box = el('div', 'inline-buttons');
    for (var r = 0; r < m.buttons.length; r++) {
      var rowEl = el('div', 'inline-row');
      for (var c = 0; c < m.buttons[r].length; c++) {
        rowEl.appendChild(inlineButton(m.id, m.buttons[r][c]));
      }
      box.appendChild(rowEl);
    }
    return box;
  }

  function inlineButton(messageId, b) {
    if (b.url === LOGIN_URL) {
      var login = el('button', 'btn', b.label);
      login.setAttribute('type', 'button');
      login.onclick = function () { showLogin(); };
      return login;
    }
    var url = b.url ? safeUrl(b.url) : null;
    if (url) {
      var a = el('a', 'btn', b.label);
      a.setAttribute('href', url);
      a.setAttribute('target', '_blank');
      a.setAttribute('rel', 'noopener noreferrer');
      return a;
    }
    var button = el('button', 'btn', b.label);
    button.setAttribute('type', 'button');
    button.onclick = function () {
      if (!send({ type: 'button', data: b.data || '', message: messageId })) { return; }
      button.className = 'btn pressed';
      setButtonsDisabled(true);
    };
    return button;
  }

  /* A press is answered by a message, an edit or a toast; until then no second press. */
  function setButtonsDisabled(disabled) {
    var buttons = logEl.getElementsByTagName('button');
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].disabled = disabled;
      if (!disabled && buttons[i].className === 'btn pressed') { buttons[i].className = 'btn'; }
    }
  }

  function nearBottom() {
    return logEl.scrollHeight - logEl.scrollTop - logEl.clientHeight < 80;
  }

  function scrollToBottom() { logEl.scrollTop = logEl.scrollHeight; }

  function addMessage(m) {
    var node = renderMessage(m);
    var old = nodes[m.id];
    if (old && old.parentNode) {
      old.parentNode.replaceChild(node, old);
    } else {
      logEl.appendChild(node);
    }
    nodes[m.id] = node;
    trackKeyboard(m);
    trackHint(m);
  }

  /* The input's placeholder follows the dialog: each bot message says what to type next
     (its hint), or nothing special (the page's own placeholder). */
  var defaultHint = input.getAttribute('placeholder') || '';
  var hintFrom = 0;

  function trackHint(m) {
    if (m.role !== 'bot' || m.id < hintFrom) { return; }
    hintFrom = m.id;
    input.setAttribute('placeholder', m.hint || defaultHint);
  }

  function editMessage(m) {
    var old = nodes[m.id];
    if (!old || !old.parentNode) { return; }
    var node = renderMessage(m);
    old.parentNode.replaceChild(node, old);
    nodes[m.id] = node;
  }

  /* ---------------------------------------------------------------- reply keyboard */

  function trackKeyboard(m) {
    if (m.role !== 'bot' || m.id < keyboardFrom) { return; }
    if (m.keyboard && m.keyboard.length) {
      keyboard = m.keyboard;
      keyboardFrom = m.id;
      keyboardCollapsed = false;
    } else if (m.remove_keyboard) {
      keyboard = null;
      keyboardFrom = m.id;
    }
  }

  function renderKeyboard() {
    while (keyboardEl.firstChild) { keyboardEl.removeChild(keyboardEl.firstChild); }
    if (!keyboard) { keyboardEl.hidden = true; return; }
    keyboardEl.hidden = false;
    if (keyboardCollapsed) {
      var show = el('button', 'btn key-toggle', tr('keyboard_show'));
      show.setAttribute('type', 'button');
      show.onclick = function () { keyboardCollapsed = false; renderKeyboard(); };
      keyboardEl.appendChild(show);
      return;
    }
    for (var r = 0; r < keyboard.length; r++) {
      var plain = el('div', 'key-row');
      for (var c = 0; c < keyboard[r].length; c++) {
        var key = keyboard[r][c];
        if (key.request === 'contact') {
          keyboardEl.appendChild(phoneForm(key));
        } else if (key.request === 'location') {
          keyboardEl.appendChild(locationKey(key));
        } else {
          plain.appendChild(textKey(key));
        }
      }
      if (plain.firstChild) { keyboardEl.appendChild(plain); }
    }
  }

  function textKey(key) {
    var b = el('button', 'btn', key.label);
    b.setAttribute('type', 'button');
    b.onclick = function () {
      if (send({ type: 'text', text: key.label })) { collapseKeyboard(); }
    };
    return b;
  }

  function collapseKeyboard() { keyboardCollapsed = true; renderKeyboard(); }

  function phoneForm(key) {
    var f = el('form', 'phone-form');
    f.setAttribute('novalidate', 'novalidate');
    var field = el('input');
    field.setAttribute('type', 'tel');
    field.setAttribute('inputmode', 'tel');
    field.setAttribute('autocomplete', 'tel');
    field.setAttribute('maxlength', '20');
    field.setAttribute('placeholder', tr('phone_placeholder'));
    field.setAttribute('aria-label', key.label);
    var submit = el('button', null, tr('phone_submit'));
    submit.setAttribute('type', 'submit');
    f.appendChild(field);
    f.appendChild(submit);
    f.onsubmit = function (ev) {
      if (ev && ev.preventDefault) { ev.preventDefault(); }
      var phone = field.value.replace(/[\s\-()（）]/g, '');
      if (!/^\+?\d{6,15}$/.test(phone)) { toast(tr('phone_invalid')); return false; }
      if (send({ type: 'contact', phone: phone })) { field.value = ''; collapseKeyboard(); }
      return false;
    };
    var wrap = el('div');
    wrap.appendChild(el('div', 'key-hint', key.label));
    wrap.appendChild(f);
    return wrap;
  }

  function locationKey(key) {
    var wrap = el('div');
    var row = el('div', 'key-row');
    var b = el('button', 'btn', key.label || tr('location_button'));
    b.setAttribute('type', 'button');
    b.onclick = function () { locate(); };
    row.appendChild(b);
    wrap.appendChild(row);
    wrap.appendChild(el('div', 'key-hint', tr('location_hint')));
    return wrap;
  }

  function locationFailed() {
    toast(tr('location_failed'));
    try { input.focus(); } catch (e) { /* some WebViews refuse focus() */ }
  }

  function locate() {
    var geo = navigator.geolocation;
    if (!geo || !geo.getCurrentPosition) { locationFailed(); return; }
    toast(tr('locating'));
    geo.getCurrentPosition(function (pos) {
      if (send({ type: 'location', latitude: pos.coords.latitude,
                 longitude: pos.coords.longitude })) {
        collapseKeyboard();
      }
    }, locationFailed, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  }

  /* ---------------------------------------------------------------- menu, toasts */

  function renderMenu(commands) {
    while (menuEl.firstChild) { menuEl.removeChild(menuEl.firstChild); }
    for (var i = 0; i < commands.length; i++) {
      (function (cmd) {
        var b = el('button', null, cmd.label);
        b.setAttribute('type', 'button');
        b.appendChild(el('span', 'cmd', '/' + cmd.command));
        b.onclick = function () {
          showMenu(false);
          send({ type: 'text', text: '/' + cmd.command });
        };
        menuEl.appendChild(b);
      })(commands[i]);
    }
  }

  function showMenu(show) {
    menuEl.hidden = !show;
    menuToggle.setAttribute('aria-expanded', show ? 'true' : 'false');
  }

  function toast(text) {
    toastEl.textContent = text;
    toastEl.hidden = false;
    if (toastTimer) { clearTimeout(toastTimer); }
    toastTimer = setTimeout(function () { toastEl.hidden = true; }, 2600);
  }

  function alertBox(text) {
    byId('alert-text').textContent = text;
    byId('alert-ok').textContent = tr('ok');
    alertEl.hidden = false;
  }

  /* ---------------------------------------------------------------- phone sign-in */

  var LOGIN_URL = '#login';  // the core's "please sign in" button (bot/signin.py)
  var loginEl = byId('login');
  var loginTimer = null;

  function postJson(path, body, done) {
    var xhr = new XMLHttpRequest();
    xhr.open('POST', path, true);
    xhr.setRequestHeader('Content-Type', 'application/json');
    xhr.onload = function () {
      var data = {};
      try { data = JSON.parse(xhr.responseText || '{}'); } catch (e) { data = {}; }
      done(xhr.status, data);
    };
    xhr.onerror = function () { done(0, {}); };
    xhr.send(JSON.stringify(body));
  }

  function countdown(seconds) {
    var button = byId('login-get');
    var left = seconds;
    clearInterval(loginTimer);
    button.disabled = true;
    button.textContent = tr('login_wait', left);
    loginTimer = setInterval(function () {
      left -= 1;
      if (left <= 0) {
        clearInterval(loginTimer);
        button.disabled = false;
        button.textContent = tr('login_get_code');
      } else {
        button.textContent = tr('login_wait', left);
      }
    }, 1000);
  }

  function showLogin() {
    byId('login-title').textContent = tr('login_title');
    byId('login-phone').setAttribute('placeholder', tr('login_phone'));
    byId('login-name').setAttribute('placeholder', tr('login_name'));
    var xhr = new XMLHttpRequest();  // prefill the 称呼 when we know it
    xhr.open('GET', '/chat/me', true);
    xhr.onload = function () {
      try {
        var me = JSON.parse(xhr.responseText || '{}');
        if (me.name && !byId('login-name').value) { byId('login-name').value = me.name; }
      } catch (e) { /* keep the field empty */ }
    };
    xhr.send();
    byId('login-code').setAttribute('placeholder', tr('login_code'));
    byId('login-get').textContent = tr('login_get_code');
    byId('login-submit').textContent = tr('login_submit');
    byId('login-cancel').textContent = tr('login_cancel');
    loginEl.hidden = false;
    byId('login-phone').focus();
  }

  byId('login-get').onclick = function () {
    var phone = byId('login-phone').value;
    if (!/^\D*1[3-9](\D*\d){9}\D*$/.test(phone)) { toast(tr('phone_invalid')); return; }
    postJson('/chat/login/code', { phone: phone }, function (status, data) {
      if (status === 200) {
        countdown(data.retry_after || 60);
        byId('login-code').focus();
      } else if (status === 429) {
        toast(tr('login_too_many', data.retry_after || 60));
        countdown(data.retry_after || 60);
      } else if (status === 400) {
        toast(tr('phone_invalid'));
      } else {
        toast(tr('not_connected'));
      }
    });
  };

  byId('login-form').onsubmit = function (ev) {
    if (ev && ev.preventDefault) { ev.preventDefault(); }
    if (!byId('login-name').value.replace(/\s+/g, '')) {
      toast(tr('login_name_missing'));  // asked once, so volunteers know how to greet them
      byId('login-name').focus();
      return false;
    }
    var body = {
      phone: byId('login-phone').value,
      code: byId('login-code').value,
      name: byId('login-name').value
    };
    postJson('/chat/login', body, function (status) {
      if (status === 200) {
        loginEl.hidden = true;
        byId('login-code').value = '';
        toast(tr('login_done'));
        // The cookie now names the signed-in person: reconnect as them.
        if (ws) { var old = ws; ws = null; connected = false; old.close(); }
        connect();
      } else {
        toast(tr('login_wrong'));
      }
    });
    return false;
  };

  byId('login-cancel').onclick = function () { loginEl.hidden = true; };

  /* ---------------------------------------------------------------- photos */

  var MAX_SIDE = 1600;              // pixels, the longer side after compression
  var MAX_BYTES = 5 * 1024 * 1024;  // what the server accepts per photo
  var MAX_PICK = 5;                 // photos per order (and per pick)
  var photoInput = byId('photo-input');

  /* Draw the image at most MAX_SIDE px and encode it as JPEG, lowering quality until
     it fits MAX_BYTES; calls done(blob) or done(null). */
  function compress(file, done) {
    var reader = new FileReader();
    reader.onload = function () {
      var image = new Image();
      image.onload = function () {
        var scale = Math.min(1, MAX_SIDE / Math.max(image.width, image.height));
        var canvas = document.createElement('canvas');
        canvas.width = Math.max(1, Math.round(image.width * scale));
        canvas.height = Math.max(1, Math.round(image.height * scale));
        canvas.getContext('2d').drawImage(image, 0, 0, canvas.width, canvas.height);
        var quality = 0.85;
        (function encode() {
          canvas.toBlob(function (blob) {
            if (blob && blob.size > MAX_BYTES && quality > 0.4) {
              quality -= 0.15;
              encode();
            } else {
              done(blob && blob.size <= MAX_BYTES ? blob : null);
            }
          }, 'image/jpeg', quality);
        })();
      };
      image.onerror = function () { done(null); };
      image.src = reader.result;
    };
    reader.onerror = function () { done(null); };
    reader.readAsDataURL(file);
  }

  function uploadPhoto(blob) {
    var xhr = new XMLHttpRequest();
    xhr.open('POST', '/chat/photo', true);
    xhr.setRequestHeader('Content-Type', 'image/jpeg');
    xhr.onload = function () {
      var data = {};
      try { data = JSON.parse(xhr.responseText || '{}'); } catch (e) { data = {}; }
      if (xhr.status === 200 && data.photo) {
        send({ type: 'photo', photo: data.photo });
      } else {
        toast(tr('photo_failed'));
      }
    };
    xhr.onerror = function () { toast(tr('photo_failed')); };
    xhr.send(blob);
  }

  if (photoInput) {
    byId('photo-button').setAttribute('aria-label', tr('photo_label'));
    byId('photo-button').onclick = function () { photoInput.click(); };
    photoInput.onchange = function () {
      var files = photoInput.files || [];
      if (files.length > MAX_PICK) { toast(tr('photo_too_many')); }
      for (var i = 0; i < files.length && i < MAX_PICK; i++) {
        compress(files[i], function (blob) {
          if (blob) { uploadPhoto(blob); } else { toast(tr('photo_failed')); }
        });
      }
      photoInput.value = '';
    };
  }

  /* ---------------------------------------------------------------- connection */

  function readStartPayload() {
    var m = /[?&]start=([A-Za-z0-9_-]{1,64})(?:&|$)/.exec(window.location.search || '');
    return m ? m[1] : null;
  }

  function setStatus(state) {
    statusEl.className = 'status ' + state;
    statusEl.textContent = state === 'online' ? tr('online')
      : state === 'offline' ? tr('offline') : tr('connecting');
    if (state === 'offline' && navigator.cookieEnabled === false) {
      statusEl.textContent = tr('no_session');
    }
    sendBtn.disabled = state !== 'online';
  }

  function send(frame) {
    if (!connected || !ws) { toast(tr('not_connected')); return false; }
    try {
      ws.send(JSON.stringify(frame));
      return true;
    } catch (e) {
      toast(tr('not_connected'));
      return false;
    }
  }

  function onEvent(data) {
    var i;
    if (data.type === 'history') {
      while (logEl.firstChild) { logEl.removeChild(logEl.firstChild); }
      nodes = {};
      keyboard = null;
      keyboardFrom = 0;
      for (i = 0; i < data.messages.length; i++) { addMessage(data.messages[i]); }
      renderKeyboard();
      scrollToBottom();
    } else if (data.type === 'message') {
      var follow = nearBottom() || data.message.role === 'user';
      var before = keyboard;
      addMessage(data.message);
      if (keyboard !== before || data.message.remove_keyboard) { renderKeyboard(); }
      setButtonsDisabled(false);
      if (follow) { scrollToBottom(); }
    } else if (data.type === 'edit') {
      editMessage(data.message);
      setButtonsDisabled(false);
    } else if (data.type === 'toast') {
      setButtonsDisabled(false);
      if (data.alert) { alertBox(data.text); } else { toast(data.text); }
    } else if (data.type === 'menu') {
      renderMenu(data.commands || []);
    }
  }

  function connect() {
    reconnectTimer = null;
    var proto = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
    var url = proto + '//' + window.location.host + '/chat/ws';
    if (startPayload) { url += '?start=' + encodeURIComponent(startPayload); }
    setStatus('connecting');
    var socket;
    try {
      socket = new WebSocket(url);
    } catch (e) {
      scheduleReconnect();
      return;
    }
    ws = socket;
    socket.onopen = function () {
      connected = true;
      failures = 0;
      setStatus('online');
      if (startPayload) {
        // The deep link is followed once; reloading the page must not repeat it.
        startPayload = null;
        if (window.history && window.history.replaceState) {
          window.history.replaceState(null, '', window.location.pathname);
        }
      }
    };
    socket.onmessage = function (ev) {
      var data;
      try { data = JSON.parse(ev.data); } catch (e) { return; }
      if (data && typeof data.type === 'string') { onEvent(data); }
    };
    socket.onclose = function () {
      if (ws !== socket) { return; }
      connected = false;
      ws = null;
      setStatus('offline');
      setButtonsDisabled(false);
      scheduleReconnect();
    };
  }

  function scheduleReconnect() {
    if (reconnectTimer) { return; }
    failures += 1;
    var delay = Math.min(15000, 500 * Math.pow(2, Math.min(failures, 5)));
    reconnectTimer = setTimeout(connect, delay + Math.floor(Math.random() * 400));
  }

  /* ---------------------------------------------------------------- wiring */

  form.onsubmit = function (ev) {
    if (ev && ev.preventDefault) { ev.preventDefault(); }
    var text = input.value.replace(/^\s+|\s+$/g, '');
    if (!text) { return false; }
    if (send({ type: 'text', text: text })) { input.value = ''; }
    return false;
  };

  menuToggle.onclick = function () { showMenu(menuEl.hidden); };
  byId('alert-ok').onclick = function () { alertEl.hidden = true; };

  document.addEventListener('visibilitychange', function () {
    // Phones freeze background pages; come back online as soon as the page is seen again.
    if (!document.hidden && !connected && reconnectTimer) {
      clearTimeout(reconnectTimer);
      connect();
    }
  }, false);

  if (/[?&]expired=1(?:&|$)/.test(window.location.search || '')) {
    alertBox(tr('link_expired'));  // a used or expired SMS link
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, '', window.location.pathname);
    }
  }

  if (!window.WebSocket) {
    setStatus('offline');
    return;
  }
  connect();
})();
