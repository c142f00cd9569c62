// GraphiQL, bundled with the explorer so it works without internet, and opened with the
// signed-in token's header filled in (read from this tab's session storage).
import { createGraphiQLFetcher } from "@graphiql/toolkit";
import { GraphiQL } from "graphiql";
import "graphiql/graphiql.css";
import { createRoot } from "react-dom/client";
import { authHeader } from "./session";

const fetcher = createGraphiQLFetcher({ url: "/graphql" });
const headers = JSON.stringify(authHeader(), null, 2);
const root = createRoot(document.getElementById("graphiql") as HTMLElement);
root.render(<GraphiQL fetcher={fetcher} headers={headers} shouldPersistHeaders={false} />);
