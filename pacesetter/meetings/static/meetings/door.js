// The door's camera (meetings/checkin.html): a live preview of the back camera, read
// until a QR code is found. Where the browser has a BarcodeDetector for QR codes the
// frame is read here and the code sent as if typed; elsewhere one frame every 500 ms is
// posted to the server's decoder (meetings:checkin_scan), which checks the code in.
// Without this script the page keeps the typed code and the photo form.
(() => {
  const box = document.getElementById("camera");
  const form = document.getElementById("checkin-form");
  if (!box || !form) return;
  const video = document.getElementById("camera-preview");
  const start = document.getElementById("camera-start");
  const stop = document.getElementById("camera-stop");
  const status = document.getElementById("camera-status");
  box.hidden = false;
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    start.hidden = true;
    document.getElementById("camera-unavailable").hidden = false;
    return;
  }
  const field = (name) => form.elements.namedItem(name);
  let stream = null;
  let timer = null;
  let busy = false;
  let detector = null;

  async function qrDetector() {
    if (!("BarcodeDetector" in window)) return null;
    try {
      const formats = await window.BarcodeDetector.getSupportedFormats();
      return formats.includes("qr_code") ? new window.BarcodeDetector({ formats: ["qr_code"] }) : null;
    } catch {
      return null;
    }
  }

  function halt() {
    clearInterval(timer);
    timer = null;
    if (stream) stream.getTracks().forEach((track) => track.stop());
    stream = null;
    video.hidden = true;
    stop.hidden = true;
    start.hidden = false;
  }

  function frame() {
    const scale = Math.min(1, 960 / Math.max(video.videoWidth, video.videoHeight));
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(video.videoWidth * scale);
    canvas.height = Math.round(video.videoHeight * scale);
    canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
    return new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.8));
  }

  async function post(blob) {
    const data = new FormData();
    data.append("csrfmiddlewaretoken", field("csrfmiddlewaretoken").value);
    data.append(box.dataset.photoField, blob, "frame.jpg");
    const present = field(box.dataset.presentField).value;
    if (present) data.append(box.dataset.scanPresentField, present);
    const response = await fetch(box.dataset.scanUrl, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "HX-Request": "true" },
    });
    const outcome = response.headers.get("X-Check-In") || "";
    // No code in this frame (or too many frames): keep looking.
    if (["no_code", "not_an_image", "throttled"].includes(outcome)) return;
    halt();
    window.htmx.swap("#checkin-result", await response.text(), { swapStyle: "outerHTML" });
    form.reset();
  }

  async function tick() {
    if (busy || !video.videoWidth) return;
    busy = true;
    try {
      if (detector) {
        const found = await detector.detect(video);
        if (found.length) {
          halt();
          field(box.dataset.codeField).value = found[0].rawValue;
          form.requestSubmit();
        }
      } else {
        await post(await frame());
      }
    } catch {
      // A frame that could not be read or sent: the next one is tried.
    } finally {
      busy = false;
    }
  }

  start.addEventListener("click", async () => {
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: "environment" },
        audio: false,
      });
    } catch {
      status.textContent = box.dataset.denied;
      return;
    }
    video.srcObject = stream;
    video.hidden = false;
    await video.play();
    start.hidden = true;
    stop.hidden = false;
    status.textContent = box.dataset.looking;
    detector = await qrDetector();
    timer = setInterval(tick, 500);
  });
  stop.addEventListener("click", () => {
    halt();
    status.textContent = "";
  });
})();
