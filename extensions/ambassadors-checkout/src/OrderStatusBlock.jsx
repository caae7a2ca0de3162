/** @jsxRuntime automatic */
/** @jsxImportSource preact */
import { render } from "preact";
import { AmbassadorBlock } from "./AmbassadorBlock.jsx";

export default async () => {
  render(<AmbassadorBlock />, document.body);
};
