import { firstValueFrom } from 'rxjs';
import { createSystem, utf8 } from 'rxnto';
import { messages, replyWith } from 'rxnto/operators';

const system = createSystem();
system.process().attach('greeter', { codec: utf8 }).pipe(messages(), replyWith((name) => `hello, ${name}`)).subscribe();
const conn = await firstValueFrom(system.process().open('greeter', { codec: utf8 }));
console.log((await firstValueFrom(conn.send('world'))).data);
