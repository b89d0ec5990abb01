export declare const PARAMETERS: string;
export declare function aloneFile(name: string, code: string): string;
export declare function packedFile(chunks: readonly { readonly name: string; readonly code: string }[]): string;
export declare function fillLoader(source: string, build: string, packedNames: Readonly<Record<string, string>>): string;
