/** @jsxRuntime automatic */
/** @jsxImportSource preact */
import { render } from "preact";
import { AmbassadorPage } from "./AmbassadorPage.jsx";

export default async () => {
  render(<AmbassadorPage />, document.body);
};
