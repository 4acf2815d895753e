// "Use my location" on the public consultation page: shown only where the browser can
// tell where it is. The position is sent once, in the address, for the app to find the
// ward (engage/geography/locating.py); the page works the same without this script.
(function () {
  "use strict";
  const form = document.getElementById("locate");
  if (!form || !("geolocation" in navigator)) {
    return;
  }
  const status = form.querySelector(".locate-status");
  const button = form.querySelector("button");
  form.hidden = false;
  form.addEventListener("submit", (event) => {
    if (form.elements.lon.value && form.elements.lat.value) {
      return;
    }
    event.preventDefault();
    button.disabled = true;
    status.textContent = "Finding where you are…";
    navigator.geolocation.getCurrentPosition(
      (position) => {
        form.elements.lon.value = position.coords.longitude.toFixed(5);
        form.elements.lat.value = position.coords.latitude.toFixed(5);
        status.textContent = "Found you. Finding your ward…";
        form.submit();
      },
      () => {
        button.disabled = false;
        status.textContent = "Your phone did not share where you are. Type your town or ward above instead.";
      },
      { enableHighAccuracy: false, timeout: 15000, maximumAge: 600000 },
    );
  });
})();
