// Let saved widgets render from the site's own files, with no internet.
// Loaded between RequireJS and the widget embedder (see `nb_ipywidgets_js` in _config.yml).
(function () {
  // The theme's Font Awesome swaps every <i> icon for an <svg>; the Play widget later sets its
  // icon's class, which needs the <i> to stay, so nest the <svg> inside it instead.
  window.FontAwesomeConfig = Object.assign(window.FontAwesomeConfig || {}, { autoReplaceSvg: "nest" });

  // The embedder finds its fonts next to the module RequireJS loaded it as: point that at our copy.
  const here = new URL(".", document.currentScript.src).href;
  require.config({ paths: { "@jupyter-widgets/html-manager/dist": here + "html-manager",
                            "@jupyter-widgets": here + "html-manager" } });

  // The embedder typesets widget labels with MathJax 2's API (MathJax.Hub.Queue);
  // the site serves MathJax 3, so translate that one call.
  document.addEventListener("DOMContentLoaded", function () {
    const mathjax = window.MathJax;
    if (mathjax && !mathjax.Hub && mathjax.typesetPromise) {
      mathjax.Hub = {
        Queue: function (command) {
          const element = command[2];
          return (mathjax.startup?.promise ?? Promise.resolve()).then(() => mathjax.typesetPromise([element]));
        },
      };
    }
  });
})();
