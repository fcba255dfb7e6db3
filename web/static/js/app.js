// Small progressive enhancements; every main flow also works without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  // Bring the list of problems of a refused form into view and focus, for screen readers too.
  const problems = document.getElementById("problems");
  if (problems) problems.focus();
});

// Let htmx swap refusals (4xx) into the page: the server answers them with a message fragment.
document.addEventListener("htmx:beforeSwap", (event) => {
  const status = event.detail.xhr.status;
  if (status >= 400 && status < 500) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
