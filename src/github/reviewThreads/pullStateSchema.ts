import { z } from "zod";

export const pullStateSchema = z.enum(["OPEN", "CLOSED", "MERGED"]);
