/**
 * `GET /t.js`: the tracking snippet a shop pastes, as a string so every runtime serves it the
 * same way (no file system on Workers, no bundler loader needed).
 *
 *   <script src="https://adfeed.example/t.js?c=shop" async></script>
 *   <script>window.adfeed=window.adfeed||function(){(adfeed.q=adfeed.q||[]).push(arguments)}</script>
 *
 * Privacy by construction:
 * - In an opt-in catalog nothing is stored on the device and nothing is sent until
 *   `adfeed('consent', true)` (or `{analytics, ads}`): events wait in memory (at most 100).
 *   `adfeed('consent', false)` discards them. The choice itself is remembered.
 * - The visitor id is random (128 bits), first-party (localStorage, a cookie only when storage
 *   is unavailable) and created only once sending is allowed.
 * - `identify` hashes the e-mail in the browser (SubtleCrypto); the address never leaves it.
 *   Without SubtleCrypto (plain http pages) nothing is sent.
 * - Taking ads consent back (`adfeed('consent', false)` or `{analytics: true}` after a yes to
 *   ads) tells the server at once, so audience exports stop including the visitor without
 *   waiting for an event.
 * - `forget` asks the server to erase the visitor, drops the id and records "no consent".
 *
 * Event ids start with the time in hex (like UUIDv7) so the server's dedupe index grows at its
 * end instead of at random pages; crypto.getRandomValues rather than randomUUID because the
 * latter needs a secure context.
 */
import { hashText } from '../util/hash';

export interface SnippetConfig {
  catalog?: string;
  consent_mode?: string;
}

const SOURCE = `(function(w,d){
var cfg=__CONFIG__,me=d.currentScript||{},ds=me.dataset||{},nav=w.navigator||{};
var catalog=cfg.catalog||ds.catalog,mode=cfg.consent_mode||ds.consentMode||'opt-in';
var base=String(ds.endpoint||me.src||'').replace(/\\/t\\.js([?#].*)?$/,'');
var VID='adfeed_vid',CONSENT='adfeed_consent',q=[],timer=0,ls=null;
if(!catalog)return;
try{ls=w.localStorage;ls.getItem(VID)}catch(e){ls=null}
function get(k){if(ls){try{return ls.getItem(k)}catch(e){}}
var m=d.cookie.match(new RegExp('(?:^|; )'+k+'=([^;]*)'));return m?decodeURIComponent(m[1]):null}
function set(k,v){if(ls){try{v==null?ls.removeItem(k):ls.setItem(k,v);if(v!=null)return}catch(e){}}
d.cookie=k+'='+(v==null?'':encodeURIComponent(v))+'; path=/; SameSite=Lax; max-age='+(v==null?0:31536000)+(w.location&&location.protocol=='https:'?'; Secure':'')}
function hx(a){for(var s='',i=0;i<a.length;i++)s+=(a[i]+256).toString(16).slice(1);return s}
function hex(n){return hx(w.crypto.getRandomValues(new Uint8Array(n)))}
function read(v){try{return v==null?null:JSON.parse(v)}catch(e){return null}}
var consent=read(get(CONSENT));
function granted(){return consent===true||!!(consent&&(consent.analytics||consent.ads))}
function refused(){return consent===false||!!(consent&&typeof consent=='object'&&!granted()&&(consent.analytics===false||consent.ads===false))}
function canSend(){return granted()||(mode=='opt-out'&&consent==null&&!nav.globalPrivacyControl)}
function vid(){var v=get(VID);if(!/^[A-Za-z0-9_-]{8,64}$/.test(v||''))set(VID,v=hex(16));return v}
function post(path,body){var url=base+path+'?catalog='+encodeURIComponent(catalog);
try{if(nav.sendBeacon&&nav.sendBeacon(url,body))return}catch(e){}
if(w.fetch)w.fetch(url,{method:'POST',body:body,keepalive:true,credentials:'omit',headers:{'content-type':'text/plain'}}).catch(function(){})}
function flush(){timer=0;if(!q.length||!canSend())return;
var ev=[],size=0;while(q.length&&ev.length<100&&(!ev.length||size+JSON.stringify(q[0]).length<6e4)){size+=JSON.stringify(q[0]).length;ev.push(q.shift())}
post('/collect',JSON.stringify({catalog:catalog,vid:vid(),consent:consent==null?undefined:consent,events:ev}));
if(q.length)flush()}
function track(type,a){if(refused())return;
if(a==null)a={};if(typeof a!='object')a=type=='search'?{q:a}:{id:a};
// undefined fields vanish in JSON.stringify
var e={type:type,event_id:Date.now().toString(16)+hex(10),ts:Date.now(),
items:a.items||(a.id!=null?[{id:a.id,quantity:a.quantity,price:a.price}]:undefined),list_id:a.category||a.list_id,
order_id:a.order_id,value:a.value,currency:a.currency,search_term:a.q,email_sha256:a.email_sha256};
if(q.length<100)q.push(e);if(!timer)timer=setTimeout(flush,50)}
function identify(a){var email=a&&typeof a=='object'?a.email:a,s=w.crypto&&w.crypto.subtle;
if(typeof email!='string'||!s)return;
s.digest('SHA-256',new TextEncoder().encode(email.trim().toLowerCase())).then(function(buf){
track('identify',{email_sha256:hx(new Uint8Array(buf))})})}
function ads(c){return c===true||!!(c&&c.ads)}
function setConsent(v){var id=get(VID);if(ads(consent)&&!ads(v)&&v!=null&&id)post('/collect',JSON.stringify({catalog:catalog,vid:id,consent:v,events:[]}));
consent=v==null?null:v;set(CONSENT,v==null?null:JSON.stringify(v));if(refused())q=[];else flush()}
function forget(){var v=get(VID);q=[];if(v)post('/forget',JSON.stringify({catalog:catalog,vid:v}));set(VID,null);setConsent(false)}
var T={view:'view_item',list:'view_item_list',cart:'add_to_cart',uncart:'remove_from_cart',checkout:'begin_checkout',purchase:'purchase',search:'search'};
function api(cmd,a){if(cmd=='consent')setConsent(a);else if(cmd=='identify')identify(a);else if(cmd=='forget')forget();
else if(Object.prototype.hasOwnProperty.call(T,cmd))track(T[cmd],a)}
var pre=(w.adfeed&&w.adfeed.q)||[];w.adfeed=api;api.loaded=1;
for(var i=0;i<pre.length;i++)api.apply(null,pre[i]);
if(w.addEventListener)w.addEventListener('pagehide',flush);
if(d.addEventListener)d.addEventListener('visibilitychange',function(){if(d.visibilityState=='hidden')flush()});
})(window,document);
`;

export interface Snippet {
  body: string;
  etag: string;
}

/** The script with the catalog's settings built in (or none: then it reads data-catalog / data-consent-mode). */
export function renderSnippet(config: SnippetConfig): Snippet {
  // JSON is valid JS; `<` escaped so the text is also safe if a shop inlines it in a <script>.
  const json = JSON.stringify(config).replace(/</g, '\\u003c');
  const body = SOURCE.replace('__CONFIG__', json);
  return { body, etag: `"${hashText(body)}"` };
}
