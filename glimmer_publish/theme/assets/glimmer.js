/* Glimmer Publish: the share panel and the random glimmer. Works on top of plain HTML that
   is complete without JavaScript (links and caption text); this file only adds buttons.

   Stable hooks (the browser tests and anyone theming the site rely on them):
     #share                      the share panel on an entry page (data-title, data-url)
     #share-caption              <textarea> with the ready caption
     .share-copy                 button: copies the caption (navigator.clipboard)
     .share-native               button: Web Share API with the chosen card as a File when
                                 navigator.canShare({files}) allows it, else downloads the
                                 card and copies the caption; data-format = chosen format
     input[name=share-format]    radio buttons choosing the card (value = og|square|...)
     a.share-download[data-format]  download link for each card
     .share-status               role=status line that says what just happened
     #glimmer-random             list of every glimmer on random/; we jump to one of them */

(function () {
  "use strict";

  function copyText(text) {
    if (navigator.clipboard && navigator.clipboard.writeText) {
      return navigator.clipboard.writeText(text);
    }
    return Promise.reject(new Error("no clipboard"));
  }

  function setupShare(panel) {
    var caption = panel.querySelector("#share-caption");
    var copy = panel.querySelector(".share-copy");
    var share = panel.querySelector(".share-native");
    var status = panel.querySelector(".share-status");
    if (!caption || !copy || !share || !status) return;

    function say(text) { status.textContent = text; }
    function chosenLink() {
      return panel.querySelector('a.share-download[data-format="' + share.dataset.format + '"]');
    }
    function copyCaption() {
      return copyText(caption.value).then(function () {
        say(status.dataset.copied);
      }, function () {
        caption.focus();
        caption.select();
      });
    }

    // The card is fetched ahead of the click: phones only allow navigator.share() straight
    // from the tap, so nothing slow may happen in between.
    var ready = {};
    function prepare(format) {
      var link = panel.querySelector('a.share-download[data-format="' + format + '"]');
      if (!link || ready[format] || !window.fetch || !window.File) return;
      ready[format] = fetch(link.href).then(function (response) {
        return response.blob();
      }).then(function (blob) {
        ready[format] = new File([blob], link.getAttribute("download"),
                                 {type: link.type || blob.type});
      }).catch(function () { delete ready[format]; });
    }

    panel.querySelectorAll('input[name="share-format"]').forEach(function (input) {
      input.addEventListener("change", function () {
        share.dataset.format = input.value;
        prepare(input.value);
      });
    });
    copy.hidden = false;
    copy.addEventListener("click", copyCaption);

    share.hidden = !share.dataset.format;
    if (navigator.share && navigator.canShare) prepare(share.dataset.format);
    share.addEventListener("click", function () {
      var link = chosenLink();
      if (!link) return;
      function fallback() {
        link.click();
        return copyText(caption.value).then(function () { say(status.dataset.fallback); },
                                            function () { caption.select(); });
      }
      var file = ready[share.dataset.format];
      var data = file instanceof File &&
        {files: [file], title: panel.dataset.title, text: caption.value};
      if (!data || !navigator.share || !navigator.canShare || !navigator.canShare(data)) {
        fallback();
        return;
      }
      // Some apps drop the shared text: the caption also goes on the clipboard, started in
      // the same tap (before share() takes the user activation).
      copyText(caption.value).then(function () { say(status.dataset.sharing); },
                                   function () {});
      navigator.share(data).catch(function (error) {
        if (error && error.name !== "AbortError") fallback();
      });
    });
  }

  function goRandom(list) {
    var links = list.querySelectorAll("a");
    if (!links.length) return;
    var note = document.querySelector(".glimmer-random-note");
    if (note) note.hidden = false;
    var pick = links[Math.floor(Math.random() * links.length)];
    window.location.replace(pick.href);
  }

  var panel = document.getElementById("share");
  if (panel) setupShare(panel);
  var list = document.getElementById("glimmer-random");
  if (list) goRandom(list);
})();
