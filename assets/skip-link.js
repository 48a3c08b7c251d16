// The skip link: React Router turns "#main" links into in-app navigation, which leaves keyboard
// focus on the link. Handle it before the router (capture phase): focus <main> and stay put.
document.addEventListener(
  "click",
  (event) => {
    const link = event.target.closest && event.target.closest("a.skip-link");
    if (!link) return;
    const main = document.getElementById("main");
    if (!main) return;
    event.preventDefault();
    main.focus();
  },
  true,
);
