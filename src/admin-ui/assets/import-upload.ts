/**
 * The import page's upload (served as /admin/assets/import-upload.js): drag and drop onto
 * `.dropzone` or the `#file` input, then `#upload` POSTs the file with XMLHttpRequest to the JSON
 * API (`data-api` of `#import-form`, `?mode=&format=`) with the session's `X-CSRF-Token`.
 * `xhr.upload.onprogress` drives `#upload-progress` (bytes sent of total); once the body is sent
 * the bar turns indeterminate ("processing…") until the API answers.
 *
 * Rows processed: the upload carries an `X-Upload-Id` the script makes up, and while it is in
 * flight the script polls `GET …/imports/progress/:uploadId` (fed by the importer after each
 * staged batch) into `#rows-processed`. The final counts come from the API's answer.
 *
 * Answers: 201 published → counts, then the report page; 202 held → the message and a
 * "Publish anyway" button (POST …/imports/:id/confirm); 413 too large, 422 unreadable, others →
 * the API's message. Also handles every `button[data-confirm-url]` (the report page has one for
 * held imports). All text goes in with textContent, never as HTML.
 */
export const IMPORT_UPLOAD = `
(function () {
  'use strict';
  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.getAttribute('content') || '' : '';
  var $ = function (id) { return document.getElementById(id); };
  var nf = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
  var whole = new Intl.NumberFormat();

  function bytes(n) {
    if (n < 1024) return whole.format(n) + ' B';
    if (n < 1048576) return nf.format(n / 1024) + ' KB';
    return nf.format(n / 1048576) + ' MB';
  }
  function parse(text) {
    try { return JSON.parse(text); } catch (e) { return null; }
  }
  function messageOf(xhr, body) {
    if (body && typeof body.message === 'string') return body.message;
    if (xhr.status === 413) return 'The file is larger than this server accepts.';
    if (xhr.status === 0) return 'The connection failed; check the network and try again.';
    return 'The server answered ' + xhr.status + (xhr.statusText ? ' ' + xhr.statusText : '') + '.';
  }
  function countsText(r) {
    var c = (r && r.counts) || {};
    var t = whole.format(c.rows || 0) + (c.rows === 1 ? ' row' : ' rows') + ' read: ' + whole.format(c.valid || 0) + ' valid, ' +
      whole.format(c.invalid || 0) + ' invalid';
    if (c.warnings) t += ', ' + whole.format(c.warnings) + ' with warnings';
    return t + '.';
  }
  function send(method, url, body, headers, onProgress) {
    return new Promise(function (resolve) {
      var xhr = new XMLHttpRequest();
      xhr.open(method, url);
      xhr.setRequestHeader('Accept', 'application/json');
      xhr.setRequestHeader('X-CSRF-Token', csrf);
      Object.keys(headers || {}).forEach(function (k) { xhr.setRequestHeader(k, headers[k]); });
      if (onProgress) onProgress(xhr);
      xhr.onload = function () { resolve({ xhr: xhr, body: parse(xhr.responseText) }); };
      xhr.onerror = function () { resolve({ xhr: xhr, body: null, network: true }); };
      xhr.send(body);
    });
  }

  // "Publish anyway" for held imports, here and on the report page.
  document.addEventListener('click', function (e) {
    var button = e.target && e.target.closest ? e.target.closest('button[data-confirm-url]') : null;
    if (!button || !button.dataset.confirmUrl) return;
    var status = $(button.dataset.status || '');
    button.disabled = true;
    if (status) status.textContent = 'Publishing…';
    send('POST', button.dataset.confirmUrl, null, {}).then(function (res) {
      if (res.xhr.status === 200) {
        if (status) status.textContent = 'Published. Opening the report…';
        if (button.dataset.next) location.assign(button.dataset.next); else location.reload();
        return;
      }
      button.disabled = false;
      if (status) status.textContent = messageOf(res.xhr, res.body);
    });
  });

  var form = $('import-form');
  if (!form) return;
  var input = $('file');
  var zone = $('dropzone');
  var uploadButton = $('upload');
  var info = $('file-info');
  var panel = $('upload-panel');
  var progress = $('upload-progress');
  var sent = $('upload-bytes');
  var status = $('upload-status');
  var reportP = $('upload-report');
  var reportLink = $('upload-report-link');
  var held = $('held');
  var uploading = false;

  function showFile() {
    var file = input.files && input.files[0];
    info.textContent = file ? 'Selected: ' + file.name + ' (' + bytes(file.size) + ')' : '';
  }
  function busy(on) {
    uploading = on;
    uploadButton.disabled = on;
    input.disabled = on;
    form.setAttribute('aria-busy', on ? 'true' : 'false');
    window.onbeforeunload = on ? function () { return 'The upload is not finished.'; } : null;
  }
  function say(text) { status.textContent = text; }
  function reportUrl(id) { return form.dataset.reports + encodeURIComponent(String(id)); }
  function offerReport(id) {
    if (id === undefined || id === null) { reportP.hidden = true; return; }
    reportLink.href = reportUrl(id);
    reportP.hidden = false;
  }

  input.addEventListener('change', showFile);
  // Dropping a file anywhere else on the page must not navigate away to it.
  ['dragover', 'drop'].forEach(function (type) {
    document.addEventListener(type, function (e) { e.preventDefault(); });
  });
  zone.addEventListener('dragenter', function () { zone.classList.add('over'); });
  zone.addEventListener('dragover', function (e) {
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = uploading ? 'none' : 'copy';
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', function (e) {
    if (!zone.contains(e.relatedTarget)) zone.classList.remove('over');
  });
  zone.addEventListener('drop', function (e) {
    e.preventDefault();
    zone.classList.remove('over');
    if (uploading || !e.dataTransfer || !e.dataTransfer.files.length) return;
    input.files = e.dataTransfer.files;
    showFile();
    uploadButton.focus();
  });

  var TYPES = ['text/csv', 'application/csv', 'text/tab-separated-values', 'application/json',
    'application/x-ndjson', 'application/xml', 'text/xml', 'application/rss+xml', 'application/atom+xml'];

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    if (uploading) return;
    var file = input.files && input.files[0];
    held.hidden = true;
    if (!file) {
      panel.hidden = false;
      sent.textContent = '';
      say('Choose a file first.');
      input.focus();
      return;
    }
    var modeInput = form.querySelector('input[name="mode"]:checked');
    var params = new URLSearchParams();
    params.set('mode', modeInput ? modeInput.value : 'replace');
    var format = $('format').value;
    if (format) params.set('format', format);
    var headers = {};
    var gz = /\\.gz$/i.test(file.name) || file.type === 'application/gzip' || file.type === 'application/x-gzip';
    if (gz) headers['Content-Encoding'] = 'gzip';
    // Only types the API recognises; anything else (Excel's CSV type, "") is sniffed from the bytes.
    headers['Content-Type'] = !gz && TYPES.indexOf(file.type) >= 0 ? file.type : 'application/octet-stream';

    busy(true);
    panel.hidden = false;
    reportP.hidden = true;
    progress.max = file.size || 1;
    progress.value = 0;
    sent.textContent = 'Sent 0 B of ' + bytes(file.size);
    say('Uploading ' + file.name + '…');

    // rows processed, polled while the server streams the upload into the importer
    var uploadId = Array.from(crypto.getRandomValues(new Uint8Array(12)), function (b) { return b.toString(16).padStart(2, '0'); }).join('');
    headers['X-Upload-Id'] = uploadId;
    var rowsOut = $('rows-processed');
    if (rowsOut) rowsOut.textContent = '';
    var polling = setInterval(function () {
      fetch(form.dataset.api + '/progress/' + uploadId, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (p) { if (p && rowsOut && uploading) rowsOut.textContent = whole.format(p.rows) + ' rows processed'; })
        .catch(function () {});
    }, 500);

    send('POST', form.dataset.api + '?' + params.toString(), file, headers, function (xhr) {
      xhr.upload.onprogress = function (ev) {
        var total = ev.lengthComputable ? ev.total : file.size;
        progress.max = total || 1;
        progress.value = ev.loaded;
        var pct = total ? Math.floor((ev.loaded / total) * 100) : 0;
        sent.textContent = 'Sent ' + bytes(ev.loaded) + ' of ' + bytes(total) + ' (' + pct + ' %)';
      };
      xhr.upload.onload = function () {
        sent.textContent = 'Sent ' + bytes(file.size) + ' of ' + bytes(file.size) + ' (100 %)';
        progress.removeAttribute('value'); // indeterminate while the server works
        say('Processing… the server is reading, checking and staging the rows.');
      };
    }).then(function (res) {
      clearInterval(polling);
      var xhr = res.xhr, body = res.body;
      if (rowsOut && body && body.counts) rowsOut.textContent = whole.format(body.counts.rows) + ' rows processed';
      progress.value = progress.max;
      busy(false);
      if (res.network) { say(messageOf(xhr, null)); return; }
      if (xhr.status === 201 || xhr.status === 200) {
        say('Done. ' + countsText(body) + ' Opening the report…');
        offerReport(body && body.id);
        setTimeout(function () { location.assign(reportUrl(body.id)); }, 1200);
        return;
      }
      if (xhr.status === 202) {
        say('Waiting for confirmation. ' + countsText(body));
        $('held-message').textContent = (body && body.message) || 'This import waits for confirmation.';
        var confirm = $('confirm-import');
        confirm.dataset.confirmUrl = form.dataset.api + '/' + encodeURIComponent(String(body.id)) + '/confirm';
        confirm.dataset.next = reportUrl(body.id);
        $('held-report').href = reportUrl(body.id);
        held.hidden = false;
        confirm.focus();
        return;
      }
      if (xhr.status === 422 && body && body.details && body.details.id !== undefined) {
        say('The import failed: ' + messageOf(xhr, body) + ' ' + countsText(body.details));
        offerReport(body.details.id);
        return;
      }
      say((xhr.status === 413 ? 'Too large: ' : 'The import was refused: ') + messageOf(xhr, body));
      offerReport(body && body.details && body.details.import);
    });
  });
})();
`;
