import { describe, expect, it } from 'vitest'
import { isStoreError } from '../errors'
import { parseMysqlDsn } from './dsn'

describe('parseMysqlDsn', () => {
  it('parses the URL form', () => {
    expect(parseMysqlDsn('mysql://qcc:p%40ss@db.example:3307/qcc?ssl=true')).toEqual({
      host: 'db.example',
      port: 3307,
      user: 'qcc',
      password: 'p@ss',
      database: 'qcc',
      params: { ssl: 'true' },
      tls: { rejectUnauthorized: true },
    })
    expect(parseMysqlDsn('mysql://root@127.0.0.1')).toMatchObject({
      host: '127.0.0.1',
      port: 3306,
      user: 'root',
      password: '',
      database: '',
    })
    expect(parseMysqlDsn('mariadb://u:p@[::1]:3306/d').host).toBe('::1')
  })

  it('parses the Go form', () => {
    expect(parseMysqlDsn('qcc:s3cr:et@tcp(mysql:3306)/qcc_plus?parseTime=true&loc=Local')).toEqual({
      host: 'mysql',
      port: 3306,
      user: 'qcc',
      password: 's3cr:et',
      database: 'qcc_plus',
      params: { parseTime: 'true', loc: 'Local' },
    })
    expect(parseMysqlDsn('root:p@ss@word@tcp(10.0.0.5)/db')).toMatchObject({
      host: '10.0.0.5',
      port: 3306,
      user: 'root',
      password: 'p@ss@word',
    })
    expect(parseMysqlDsn('u@tcp([::1]:3310)/d?tls=skip-verify')).toMatchObject({
      host: '::1',
      port: 3310,
      password: '',
      tls: { rejectUnauthorized: false },
    })
    expect(parseMysqlDsn('/db')).toMatchObject({ host: '127.0.0.1', user: '', database: 'db' })
    expect(parseMysqlDsn('u:p@unix(/run/mysqld.sock)/db').socketPath).toBe('/run/mysqld.sock')
  })

  it('refuses garbage without echoing the password', () => {
    for (const dsn of ['', 'nonsense', 'u:hunter2@udp(h)/db', 'mysql://u:hunter2@h:99999/db']) {
      const err = (() => {
        try {
          parseMysqlDsn(dsn)
        } catch (e) {
          return e
        }
      })()
      expect(isStoreError(err, 'invalid')).toBe(true)
      expect(String((err as Error).message)).not.toContain('hunter2')
      expect(String((err as Error).message)).toContain('PROXY_MYSQL_DSN')
    }
  })
})
